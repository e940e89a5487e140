import type { Analytics, WebVitalName } from "@payments/api-client";

/** What web-vitals hands each callback (the fields used here). */
export interface VitalReport {
  name: WebVitalName;
  value: number;
  rating: "good" | "needs-improvement" | "poor";
}

/** The web-vitals functions used (`onLCP`…), injected so tests need no browser performance timeline. */
export type VitalObserver = (report: (metric: VitalReport) => void) => void;

/**
 * Sends each Web Vital to the gateway once, with its final value: web-vitals calls back when a metric is
 * final (the page hidden, or the first input for LCP), and again only if it changed (CLS, INP), so the
 * queue sends the latest value when the page is hidden (startAnalyticsFlushing). The gateway keeps them
 * as Prometheus histograms (`frontend_web_vitals_seconds`, `frontend_cls`).
 */
export function reportWebVitals(analytics: Analytics, observers: readonly VitalObserver[]): void {
  const report = (metric: VitalReport) =>
    analytics.track({ type: "web_vital", name: metric.name, value: metric.value, rating: metric.rating });
  for (const observe of observers) observe(report);
}

/** Loads web-vitals (its own chunk, after the page has loaded) and starts reporting. */
export async function startWebVitals(analytics: Analytics): Promise<void> {
  const { onCLS, onFCP, onINP, onLCP, onTTFB } = await import("web-vitals");
  reportWebVitals(analytics, [onCLS, onFCP, onINP, onLCP, onTTFB]);
}
