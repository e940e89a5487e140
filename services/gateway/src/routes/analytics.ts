import { ApiError, describeRoute, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { Counter, Histogram, type Registry } from "prom-client";
import { z } from "zod";

/** Route templates and remote names only (the frontends send templates, never ids): bounded label values. */
const label = z.string().regex(/^[a-z0-9/_:.-]{1,80}$/i);

const beaconSchema = z.strictObject({
  events: z
    .array(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("page_view"), route: label }),
        z.strictObject({
          type: z.literal("remote_load"),
          remote: label,
          duration_ms: z.number().min(0).max(600_000),
          ok: z.boolean(),
        }),
        z.strictObject({
          type: z.literal("api_timing"),
          route: label,
          method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
          status: z.int().min(0).max(599),
          duration_ms: z.number().min(0).max(600_000),
        }),
      ]),
    )
    .min(1)
    .max(50),
});

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
 * `POST /api/analytics`: the shell's `navigator.sendBeacon` batches (page views, remote load times, API
 * timings) become Prometheus metrics on the gateway. Beacons are sent as text/plain or JSON, so the body
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
  const routeLabel = bounded();
  const remoteLabel = bounded();

  const app = new Hono<KitEnv>();
  app.post(
    "/api/analytics",
    describeRoute({ summary: "Frontend analytics beacon", tags: ["analytics"] }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        throw new ApiError(400, "invalid_request", "invalid_json", "The body must be JSON.");
      }
      const parsed = beaconSchema.safeParse(body);
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
        if (event.type === "page_view") pageViews.inc({ route: routeLabel(event.route) });
        else if (event.type === "remote_load")
          remoteLoad.observe(
            { remote: remoteLabel(event.remote), ok: String(event.ok) },
            event.duration_ms / 1000,
          );
        else
          apiTiming.observe(
            { route: routeLabel(event.route), method: event.method, status: String(event.status) },
            event.duration_ms / 1000,
          );
      }
      return c.body(null, 204);
    },
  );
  return app;
}
