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

describe("custom events and Web Vitals", () => {
  it("sends a frontend's own events by name, with an optional value, and drops names the gateway refuses", () => {
    const sent: string[] = [];
    const analytics = createAnalytics({ send: (_url, body) => sent.push(body) > 0 });
    analytics.event("payment_form_opened");
    analytics.event("csv_exported", 1200);
    analytics.event("negative_is_zero", -5);
    analytics.event("Has Spaces");
    analytics.event("pay_01j9z3k7m8n9p0q1r2s3t4v5w6-id-in-a-name");
    analytics.track({ type: "web_vital", name: "INP", value: 180, rating: "good" });
    analytics.track({ type: "web_vital", name: "LCP", value: Number.NaN, rating: "good" });
    analytics.flush();
    expect(JSON.parse(sent[0] ?? "{}")).toEqual({
      events: [
        { type: "custom", name: "payment_form_opened" },
        { type: "custom", name: "csv_exported", value: 1200 },
        { type: "custom", name: "negative_is_zero", value: 0 },
        { type: "web_vital", name: "INP", value: 180, rating: "good" },
      ],
    });
  });
});
