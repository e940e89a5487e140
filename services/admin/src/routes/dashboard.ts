import { describeRoute, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import { buildDashboard } from "../actions/dashboard.ts";
import type { AdminCore } from "../core.ts";
import { type AdminGuard, errorResponses, jsonContent } from "./http.ts";

const dashboardQuery = z.strictObject({
  /** Minute buckets ending with the current minute (at most a day). */
  minutes: z.coerce.number().int().min(1).max(1440).default(60),
  /** Day buckets ending with today, UTC (at most a year). */
  days: z.coerce.number().int().min(1).max(366).default(30),
});

const seriesPoint = z.object({
  bucket_start: z.string(),
  metric: z.string(),
  label: z.string(),
  currency: z.string(),
  count: z.int(),
  amount: z.int(),
});
const dashboardSchema = z.object({
  generated_at: z.string(),
  payments: z.object({
    by_status: z.array(
      z.object({
        status: z.string(),
        currency: z.string(),
        count: z.int(),
        amount: z.int(),
        amount_refunded: z.int(),
      }),
    ),
    volume: z.array(z.object({ currency: z.string(), captured: z.int(), refunded: z.int(), net: z.int() })),
  }),
  last_24h: z.object({
    failures: z.array(
      z.object({
        kind: z.enum(["payment", "refund"]),
        code: z.string(),
        currency: z.string(),
        count: z.int(),
        amount: z.int(),
      }),
    ),
    registrations: z.int(),
    sessions_started: z.int(),
    sessions_revoked: z.int(),
    events: z.int(),
  }),
  active_users: z.object({ window_minutes: z.int(), count: z.int() }),
  active_sessions: z.int().describe("Sessions started and neither revoked nor expired"),
  series: z.object({ minute: z.array(seriesPoint), day: z.array(seriesPoint) }),
});

/** The live dashboard (role admin); the admin UI refetches it on the events the gateway pushes to `role:admin`. */
export function dashboardRoutes(core: AdminCore, admin: AdminGuard): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  app.get(
    "/dashboard",
    describeRoute({
      summary: "Payments by status and currency, volume, failures, activity, per-minute and per-day series",
      tags: ["dashboard"],
      responses: {
        200: { description: "The dashboard", content: jsonContent(dashboardSchema) },
        ...errorResponses(400, 401, 403),
      },
    }),
    admin,
    validate("query", dashboardQuery),
    async (c) => c.json(await buildDashboard(core, c.req.valid("query"))),
  );
  return app;
}
