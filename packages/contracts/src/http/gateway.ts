import { z } from "zod";
import { component, operation } from "./operation.ts";

/** The gateway's own routes (everything else under /api is proxied to a service). */

/** Route templates and remote names only (the frontends send templates, never ids): bounded label values. */
const label = z.string().regex(/^[a-z0-9/_:.-]{1,80}$/i);

/** The Core Web Vitals and the two loading metrics web-vitals reports (ms, except CLS: unitless). */
export const WEB_VITALS = ["LCP", "INP", "CLS", "FCP", "TTFB"] as const;

/**
 * One analytics event. `custom` is the API a frontend uses for its own events (`payment_form_opened`):
 * a bounded name and an optional value, counted (and the value observed) per name.
 */
export const analyticsEventSchema = z.discriminatedUnion("type", [
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
  z.strictObject({
    type: z.literal("web_vital"),
    name: z.enum(WEB_VITALS),
    value: z.number().min(0).max(600_000).describe("Milliseconds; CLS is a unitless score"),
    rating: z.enum(["good", "needs-improvement", "poor"]),
  }),
  z.strictObject({
    type: z.literal("custom"),
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
    value: z.number().min(0).max(1_000_000_000).optional(),
  }),
]);

/** `POST /api/analytics`: the shell's beacon batches. */
export const beaconBody = z.strictObject({
  events: z.array(analyticsEventSchema).min(1).max(50),
});
export type Beacon = z.infer<typeof beaconBody>;

/** A one-time WebSocket ticket. */
export const ticketSchema = component(
  "RealtimeTicket",
  z.object({
    ticket: z.string().min(1).describe("Redeem once at `GET /ws?ticket=…` within `expires_in` seconds"),
    expires_in: z.int().min(1),
  }),
);
export type RealtimeTicket = z.infer<typeof ticketSchema>;

export const realtimeTicket = operation({
  service: "gateway",
  id: "realtime.createTicket",
  method: "post",
  path: "/api/realtime/ticket",
  summary: "Get a one-time WebSocket ticket",
  description:
    "Trades the access token for a ticket valid 30 s, so the token never appears in a URL. A revoked " +
    "session is refused (401 `session_revoked`).",
  tags: ["realtime"],
  security: "bearer",
  responses: { 200: { description: "The ticket", schema: ticketSchema } },
});

export const analyticsBeacon = operation({
  service: "gateway",
  id: "analytics.send",
  method: "post",
  path: "/api/analytics",
  summary: "Frontend analytics beacon (page views, remote loads, API timings, Web Vitals, custom events)",
  description:
    "Sent by `navigator.sendBeacon`, which cannot set `application/json`: this one route also reads a " +
    "`text/plain` body as JSON. Values become Prometheus metrics with bounded labels.",
  tags: ["analytics"],
  security: "public",
  body: beaconBody,
  responses: { 204: { description: "Recorded" } },
});

/** What the tunnel answers: Sentry's id of the envelope's event, when it gave one. */
export const monitoringReceiptSchema = component(
  "MonitoringReceipt",
  z.object({ id: z.string().max(64).optional().describe("Sentry's id of the event") }),
);

export const monitoringTunnel = operation({
  service: "gateway",
  id: "monitoring.tunnel",
  method: "post",
  path: "/api/monitoring",
  summary: "Same-origin tunnel for the browser's Sentry envelopes",
  description:
    "The browser SDK's `tunnel`: the edge's CSP allows connections to this origin only, so error reports " +
    "come here and the gateway forwards them to the one Sentry project it is configured for (an envelope " +
    "naming another DSN is refused: 400 `unknown_dsn`). The body is a Sentry envelope (newline-separated " +
    "JSON, sent as `text/plain`). 404 `monitoring_disabled` when no DSN is configured.",
  tags: ["monitoring"],
  security: "public",
  body: z.string().min(1).max(1_048_576).describe("A Sentry envelope"),
  responses: { 200: { description: "Forwarded", schema: monitoringReceiptSchema } },
  errors: [404, 429, 502],
});

/** Every gateway operation. */
export const GATEWAY_OPERATIONS = [realtimeTicket, analyticsBeacon, monitoringTunnel] as const;
