import {
  type AuditFilterQuery,
  adminExportAuditLogs,
  adminListAuditLogs,
  honoPath,
} from "@payments/contracts/http";
import { badRequest, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { auditCsvStream, toAuditView } from "../actions/audit.ts";
import type { AdminCore } from "../core.ts";
import { type AuditFilter, listAuditLog } from "../db/audit-queries.ts";
import type { AdminGuard } from "./http.ts";

function toFilter(q: AuditFilterQuery): AuditFilter {
  if (q.from && q.to && q.from.getTime() > q.to.getTime()) {
    throw badRequest("invalid_time_range", "`from` must not be after `to`.", "from");
  }
  return {
    typePrefix: q.type,
    subject: q.subject,
    actorId: q.actor_id,
    traceId: q.trace_id,
    from: q.from,
    to: q.to,
  };
}

/** The audit log: searchable list and streamed CSV export (role admin). */
export function auditRoutes(core: AdminCore, admin: AdminGuard): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(adminListAuditLogs), admin, validate("query", adminListAuditLogs.query), async (c) => {
    const q = c.req.valid("query");
    const page = await listAuditLog(core.db, toFilter(q), {
      limit: q.limit,
      startingAfter: q.starting_after,
      endingBefore: q.ending_before,
    });
    return c.json({ data: page.data.map(toAuditView), has_more: page.hasMore });
  });

  app.get(honoPath(adminExportAuditLogs), admin, validate("query", adminExportAuditLogs.query), (c) => {
    const filter = toFilter(c.req.valid("query"));
    const stamp = core.now().toISOString().replace(/[:.]/g, "-");
    return c.body(auditCsvStream(core, filter), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${stamp}.csv"`,
    });
  });

  return app;
}
