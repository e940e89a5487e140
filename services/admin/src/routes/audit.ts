import { idSchema } from "@payments/contracts";
import { badRequest, describeRoute, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import { auditCsvStream, toAuditView } from "../actions/audit.ts";
import type { AdminCore } from "../core.ts";
import { type AuditFilter, listAuditLog } from "../db/audit-queries.ts";
import { type AdminGuard, assertOneCursor, errorResponses, jsonContent, limitParam } from "./http.ts";

/** A date-time with offset, or a plain date (midnight UTC); anything unparseable is a 400. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

/** Filters shared by the list and the CSV export. Unknown parameters are refused: a typo must not widen a search. */
const filterFields = {
  /** Event type prefix: `payment.` or `payment.failed`. */
  type: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z_]*(\.[a-z_]*)*$/, "must be an event type or a prefix of one (e.g. payment.)")
    .optional(),
  subject: z.string().min(1).max(128).optional(),
  actor_id: idSchema("usr").optional(),
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex digits")
    .optional(),
  /** Inclusive. */
  from: instant.optional(),
  /** Exclusive. */
  to: instant.optional(),
};

const exportQuery = z.strictObject(filterFields);
const listQuery = z.strictObject({
  ...filterFields,
  limit: limitParam,
  starting_after: idSchema("aud").optional(),
  ending_before: idSchema("aud").optional(),
});

const auditEntrySchema = z.object({
  id: z.string(),
  event_id: z.string(),
  type: z.string(),
  version: z.int(),
  producer: z.string(),
  subject: z.string(),
  actor_id: z.string().nullable(),
  trace_id: z.string().nullable(),
  occurred_at: z.string(),
  received_at: z.string(),
  event: z.record(z.string(), z.unknown()),
});
const auditListSchema = z.object({ data: z.array(auditEntrySchema), has_more: z.boolean() });

function toFilter(q: z.infer<typeof exportQuery>): AuditFilter {
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

  app.get(
    "/audit-logs",
    describeRoute({
      summary: "Search the audit log, newest first (cursor pagination)",
      tags: ["audit"],
      responses: {
        200: { description: "Audit entries", content: jsonContent(auditListSchema) },
        ...errorResponses(400, 401, 403),
      },
    }),
    admin,
    validate("query", listQuery),
    async (c) => {
      const q = c.req.valid("query");
      assertOneCursor(q);
      const page = await listAuditLog(core.db, toFilter(q), {
        limit: q.limit,
        startingAfter: q.starting_after,
        endingBefore: q.ending_before,
      });
      return c.json({ data: page.data.map(toAuditView), has_more: page.hasMore });
    },
  );

  app.get(
    "/audit-logs.csv",
    describeRoute({
      summary: "Export the audit log matching the filters as CSV, newest first (streamed)",
      tags: ["audit"],
      responses: {
        200: {
          description: "CSV with a header row",
          content: { "text/csv": { schema: { type: "string" } } },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
    admin,
    validate("query", exportQuery),
    (c) => {
      const filter = toFilter(c.req.valid("query"));
      const stamp = core.now().toISOString().replace(/[:.]/g, "-");
      return c.body(auditCsvStream(core, filter), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-log-${stamp}.csv"`,
      });
    },
  );

  return app;
}
