import { createAnalytics } from "@payments/api-client";
import { describe, expect, it } from "vitest";
import { reportWebVitals, type VitalObserver } from "./web-vitals.ts";

describe("Web Vitals", () => {
  it("queues each reported metric as a web_vital event for the gateway", () => {
    const sent: string[] = [];
    const analytics = createAnalytics({ send: (_url, body) => sent.push(body) > 0 });
    const lcp: VitalObserver = (report) => report({ name: "LCP", value: 1234.5, rating: "good" });
    const cls: VitalObserver = (report) => report({ name: "CLS", value: 0.02, rating: "good" });
    reportWebVitals(analytics, [lcp, cls]);
    analytics.flush();
    expect(sent.map((body) => JSON.parse(body))).toEqual([
      {
        events: [
          { type: "web_vital", name: "LCP", value: 1234.5, rating: "good" },
          { type: "web_vital", name: "CLS", value: 0.02, rating: "good" },
        ],
      },
    ]);
  });
});
