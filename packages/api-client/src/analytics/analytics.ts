import type { BodyOf } from "../endpoints/call.ts";

/**
 * One analytics event, in the gateway's beacon schema (`POST /api/analytics`, generated from the contract):
 * routes are templates and remotes are names, never ids, so the metrics they become keep a bounded label
 * set.
 */
export type AnalyticsEvent = BodyOf<"analytics.send">["events"][number];

/** The Web Vitals the gateway records. */
export type WebVitalName = Extract<AnalyticsEvent, { type: "web_vital" }>["name"];

/** Dependencies of {@link createAnalytics}. */
export interface AnalyticsDeps {
  /** `navigator.sendBeacon` in browsers: queued by the browser, survives page unload. False = not queued. */
  send(url: string, body: string): boolean;
  /** Default `/api/analytics`. */
  endpoint?: string;
  /** Events per beacon; the gateway accepts at most 50 (default 20). */
  maxBatch?: number;
}

/** The analytics batcher. */
export interface Analytics {
  track(event: AnalyticsEvent): void;
  /**
   * A frontend's own event (`payment_form_opened`, `csv_exported`): counted per name by the gateway,
   * with `value` (a count, an amount of time in ms…) observed when given. Names: lowercase snake case, at
   * most 63 characters, a fixed set per app (each name is a metric label; never put an id in one).
   */
  event(name: string, value?: number): void;
  /** Sends everything queued (called on a timer and when the page is hidden). */
  flush(): void;
  /** Events waiting to be sent. */
  pending(): number;
}

/** At most this many events wait; beyond, the oldest are dropped (analytics must never grow without end). */
const MAX_QUEUE = 500;
const LABEL = /^[a-z0-9/_:.-]{1,80}$/i;
const EVENT_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Batches analytics events and hands them to the browser's beacon queue. Events with labels the gateway
 * would refuse are dropped here, so one bad value cannot get a whole batch rejected.
 */
export function createAnalytics(deps: AnalyticsDeps): Analytics {
  const endpoint = deps.endpoint ?? "/api/analytics";
  const maxBatch = Math.min(50, deps.maxBatch ?? 20);
  let queue: AnalyticsEvent[] = [];

  function valid(event: AnalyticsEvent): boolean {
    switch (event.type) {
      case "remote_load":
        return LABEL.test(event.remote);
      case "web_vital":
        return Number.isFinite(event.value) && event.value >= 0;
      case "custom":
        return EVENT_NAME.test(event.name) && (event.value === undefined || Number.isFinite(event.value));
      default:
        return LABEL.test(event.route);
    }
  }

  function flush(): void {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      if (!deps.send(endpoint, JSON.stringify({ events: batch }))) return; // browser queue full: later
      queue = queue.slice(batch.length);
    }
  }

  function track(event: AnalyticsEvent): void {
    if (!valid(event)) return;
    const rounded =
      "duration_ms" in event ? { ...event, duration_ms: Math.max(0, Math.round(event.duration_ms)) } : event;
    queue.push(rounded);
    if (queue.length > MAX_QUEUE) queue = queue.slice(queue.length - MAX_QUEUE);
    if (queue.length >= maxBatch) flush();
  }

  return {
    track,
    event: (name, value) =>
      track(
        value === undefined ? { type: "custom", name } : { type: "custom", name, value: Math.max(0, value) },
      ),
    flush,
    pending: () => queue.length,
  };
}

/** `/payments/pay_01j…` → `/payments/:id`: the page-view label for a location path. */
export function pageRoute(pathname: string): string {
  const route = pathname
    .split("/")
    .map((segment) => (/^[a-z]{2,4}_[0-9a-z]{10,}$/.test(segment) ? ":id" : segment))
    .join("/")
    .slice(0, 80);
  return LABEL.test(route) ? route : "/other";
}
