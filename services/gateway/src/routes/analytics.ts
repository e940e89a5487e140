import { analyticsBeacon } from "@payments/contracts/http";
import { ApiError, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { Counter, Histogram, type Registry } from "prom-client";

/** At most this many distinct label values per metric; the rest count as "other" (no cardinality blow-up). */
const MAX_LABEL_VALUES = 200;

function bounded(): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= MAX_LABEL_VALUES) return "other";
    seen.add(value);
    return value;
  };
}

/**
 * `POST /api/analytics`: the shell's beacon batches (page views, remote load times, API timings, Web
 * Vitals, custom events) become Prometheus metrics on the gateway (the browser's only backend, and the
 * one process every page already talks to; docs/adr/0029). Beacons are sent as text/plain or JSON, so the body
 * is parsed by hand; invalid batches get the uniform 400 like any other request.
 */
export function analyticsRoutes(registry: Registry): Hono<KitEnv> {
  const registers = [registry];
  const pageViews = new Counter({
    name: "frontend_page_views_total",
    help: "Page views",
    labelNames: ["route"],
    registers,
  });
  const remoteLoad = new Histogram({
    name: "frontend_remote_load_seconds",
    help: "Time to load a micro-frontend remote",
    labelNames: ["remote", "ok"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const apiTiming = new Histogram({
    name: "frontend_api_duration_seconds",
    help: "API call duration seen by the browser",
    labelNames: ["route", "method", "status"],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  // Web Vitals: the four timings in seconds (buckets around web.dev's good/poor thresholds: LCP 2.5/4 s,
  // INP 0.2/0.5 s, FCP 1.8/3 s, TTFB 0.8/1.8 s); CLS is a score, in a histogram of its own.
  const vitals = new Histogram({
    name: "frontend_web_vitals_seconds",
    help: "Web Vitals timings reported by browsers (LCP, INP, FCP, TTFB)",
    labelNames: ["name", "rating"],
    buckets: [0.05, 0.1, 0.2, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10],
    registers,
  });
  const cls = new Histogram({
    name: "frontend_cls",
    help: "Cumulative Layout Shift reported by browsers",
    labelNames: ["rating"],
    buckets: [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1],
    registers,
  });
  const customEvents = new Counter({
    name: "frontend_custom_events_total",
    help: "Frontends' own events, by name",
    labelNames: ["name"],
    registers,
  });
  const customValues = new Histogram({
    name: "frontend_custom_event_value",
    help: "Values sent with frontends' own events, by name",
    labelNames: ["name"],
    buckets: [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 60_000],
    registers,
  });
  const routeLabel = bounded();
  const remoteLabel = bounded();
  const eventLabel = bounded();

  const app = new Hono<KitEnv>();
  app.post(analyticsBeacon.path, async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new ApiError(400, "invalid_request", "invalid_json", "The body must be JSON.");
    }
    const parsed = analyticsBeacon.body.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        400,
        "invalid_request",
        "invalid_beacon",
        issue?.message ?? "Invalid beacon.",
        issue?.path.join("."),
      );
    }
    for (const event of parsed.data.events) {
      switch (event.type) {
        case "page_view":
          pageViews.inc({ route: routeLabel(event.route) });
          break;
        case "remote_load":
          remoteLoad.observe(
            { remote: remoteLabel(event.remote), ok: String(event.ok) },
            event.duration_ms / 1000,
          );
          break;
        case "api_timing":
          apiTiming.observe(
            { route: routeLabel(event.route), method: event.method, status: String(event.status) },
            event.duration_ms / 1000,
          );
          break;
        case "web_vital":
          if (event.name === "CLS") cls.observe({ rating: event.rating }, event.value);
          else vitals.observe({ name: event.name, rating: event.rating }, event.value / 1000);
          break;
        case "custom": {
          const name = eventLabel(event.name);
          customEvents.inc({ name });
          if (event.value !== undefined) customValues.observe({ name }, event.value);
          break;
        }
      }
    }
    return c.body(null, 204);
  });
  return app;
}
