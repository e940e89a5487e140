import { badRequest, describeRoute, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import { readSummary } from "../actions/reads.ts";
import { searchPayees } from "../db/queries.ts";
import { actorOf, type RouteDeps } from "./payments.ts";
import { errorResponses, jsonContent, payeesQuery, summaryQuery } from "./schemas.ts";
import { databaseUnavailableAs503 } from "./unavailable.ts";

const DAY_MS = 24 * 3600_000;
/** Longest report range: aggregates over more would be slow and are not what the dashboard shows. */
const MAX_RANGE_MS = 366 * DAY_MS;

const summaryResponse = z.object({
  object: z.literal("report"),
  scope: z.enum(["user", "platform"]),
  from: z.string(),
  to: z.string(),
  currency: z.string().nullable(),
  by_status: z.array(
    z.object({
      status: z.string(),
      currency: z.string(),
      count: z.int(),
      amount: z.int(),
      amount_refunded: z.int(),
    }),
  ),
  totals: z.array(
    z.object({ currency: z.string(), count: z.int(), volume: z.int(), refunded: z.int(), net: z.int() }),
  ),
});

const payeesResponse = z.object({
  object: z.literal("list"),
  data: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
  has_more: z.boolean(),
});

/**
 * `GET /reports/summary` and `GET /payees`. Mounted before the payment routes, so these literal paths are
 * never taken for a payment id.
 */
export function queryRoutes(deps: RouteDeps): Hono<KitEnv> {
  const { core, guards } = deps;
  const app = new Hono<KitEnv>();
  app.onError(databaseUnavailableAs503(core.logger));

  app.get(
    "/reports/summary",
    describeRoute({
      summary: "Counts and sums by status and currency over [from, to) (own payments; admins: platform-wide)",
      tags: ["reports"],
      responses: {
        200: { description: "Report", content: jsonContent(summaryResponse) },
        ...errorResponses(400, 401),
      },
    }),
    guards.user,
    validate("query", summaryQuery),
    async (c) => {
      const q = c.req.valid("query");
      const actor = actorOf(c);
      const to = q.to ? new Date(q.to) : core.now();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
      if (from.getTime() >= to.getTime())
        throw badRequest("invalid_range", "`from` must be before `to`.", "from");
      if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
        throw badRequest("range_too_long", "A report covers at most 366 days.", "from");
      }
      const report = await readSummary(core, {
        scope:
          actor.role === "admin" ? { kind: "all" } : { kind: "user", userId: actor.userId, role: q.role },
        from,
        to,
        currency: q.currency,
      });
      return c.json(report);
    },
  );

  app.get(
    "/payees",
    describeRoute({
      summary: "Search active vendors to pay, by name or email",
      tags: ["payees"],
      responses: {
        200: { description: "Vendors", content: jsonContent(payeesResponse) },
        ...errorResponses(400, 401),
      },
    }),
    guards.user,
    validate("query", payeesQuery),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await searchPayees(core.db, q.query || undefined, q.limit + 1);
      return c.json({
        object: "list" as const,
        data: rows.slice(0, q.limit),
        has_more: rows.length > q.limit,
      });
    },
  );

  return app;
}
