import { honoPath, paymentsExportCsv, paymentsPayees, paymentsSummary } from "@payments/contracts/http";
import { badRequest, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { paymentsCsv } from "../actions/export.ts";
import { readSummary } from "../actions/reads.ts";
import { searchPayees } from "../db/queries.ts";
import { filterOf } from "./filters.ts";
import { actorOf, type RouteDeps } from "./payments.ts";
import { databaseUnavailableAs503 } from "./unavailable.ts";

const DAY_MS = 24 * 3600_000;
/** Longest report range: aggregates over more would be slow and are not what the dashboard shows. */
const MAX_RANGE_MS = 366 * DAY_MS;

/**
 * `GET /export.csv`, `GET /reports/summary` and `GET /payees`. Mounted before the payment routes, so these
 * literal paths are never taken for a payment id.
 */
export function queryRoutes(deps: RouteDeps): Hono<KitEnv> {
  const { core, guards } = deps;
  const app = new Hono<KitEnv>();
  app.onError(databaseUnavailableAs503(core.logger));

  app.get(honoPath(paymentsExportCsv), guards.user, validate("query", paymentsExportCsv.query), (c) => {
    const filter = filterOf(c.req.valid("query"), actorOf(c));
    const stamp = core.now().toISOString().replace(/[:.]/g, "-");
    return c.body(paymentsCsv(core, filter), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="payments-${stamp}.csv"`,
    });
  });

  app.get(honoPath(paymentsSummary), guards.user, validate("query", paymentsSummary.query), async (c) => {
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
      scope: actor.role === "admin" ? { kind: "all" } : { kind: "user", userId: actor.userId, role: q.role },
      from,
      to,
      currency: q.currency,
      timeZone: q.time_zone ?? "UTC",
    });
    return c.json(report);
  });

  app.get(honoPath(paymentsPayees), guards.user, validate("query", paymentsPayees.query), async (c) => {
    const q = c.req.valid("query");
    const isAdmin = actorOf(c).role === "admin";
    const rows = await searchPayees(core.db, q.query || undefined, q.limit + 1, { byEmail: isAdmin });
    return c.json({
      object: "list" as const,
      // E-mail addresses are personal data: a customer choosing whom to pay needs the name only.
      data: rows.slice(0, q.limit).map((r) => (isAdmin ? r : { id: r.id, name: r.name })),
      has_more: rows.length > q.limit,
    });
  });

  return app;
}
