import { describe, expect, it } from "vitest";
import { createAnalytics, pageRoute } from "./analytics.ts";

describe("analytics beacon batching", () => {
  it("batches events, sends them as one beacon, and keeps them when the browser refuses", () => {
    const sent: unknown[] = [];
    let accept = false;
    const analytics = createAnalytics({
      send: (_url, body) => accept && sent.push(JSON.parse(body)) > 0,
      maxBatch: 3,
    });
    analytics.track({ type: "page_view", route: "/payments" });
    analytics.track({ type: "remote_load", remote: "payments", duration_ms: 12.6, ok: true });
    analytics.flush();
    expect(analytics.pending()).toBe(2);
    accept = true;
    analytics.flush();
    expect(sent).toEqual([
      {
        events: [
          { type: "page_view", route: "/payments" },
          { type: "remote_load", remote: "payments", duration_ms: 13, ok: true },
        ],
      },
    ]);
    expect(analytics.pending()).toBe(0);
  });

  it("sends by itself once a batch is full, and drops labels the gateway would refuse", () => {
    const sent: string[] = [];
    const analytics = createAnalytics({ send: (_url, body) => sent.push(body) > 0, maxBatch: 2 });
    analytics.track({ type: "page_view", route: "/a b" });
    analytics.track({ type: "page_view", route: "/a" });
    expect(sent).toHaveLength(0);
    analytics.track({ type: "page_view", route: "/b" });
    expect(sent).toHaveLength(1);
  });

  it("labels pages by template", () => {
    expect(pageRoute("/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6")).toBe("/payments/:id");
    expect(pageRoute("/weird path")).toBe("/other");
  });
});
