import { z } from "zod";
import { PAYMENT_STATUSES } from "../events/data/values.ts";
import { eventEnvelopeSchema } from "../events/envelope.ts";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { component, cursorQuery, operation, pageOf } from "./operation.ts";

/** The admin service's audit-log and dashboard routes (mounted at `/api/admin`). */

/** A date-time with offset, or a plain date (midnight UTC). */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), "not a valid date");

/** Filters shared by the list and the CSV export. Unknown parameters are refused: a typo must not widen a search. */
const auditFilterFields = {
  type: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z_]*(\.[a-z_]*)*$/, "must be an event type or a prefix of one (e.g. payment.)")
    .optional()
    .describe("Event type or a prefix of one: `payment.` or `payment.failed`"),
  subject: z.string().min(1).max(128).optional().describe("The event's subject, e.g. a `pay_…` id"),
  actor_id: idSchema("usr").optional().describe("Who caused the event"),
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex digits")
    .optional()
    .describe("The request's trace id (32 lowercase hex digits)"),
  from: instant.optional().describe("Occurred at or after (date-time with offset, or a date: midnight UTC)"),
  to: instant.optional().describe("Occurred before (date-time with offset, or a date: midnight UTC)"),
};

/** Query of `GET /audit-logs.csv`. A `from` after `to` is 400 `invalid_time_range`. */
export const auditExportQuery = z.strictObject(auditFilterFields);
export type AuditFilterQuery = z.infer<typeof auditExportQuery>;

/** Query of `GET /audit-logs`. */
export const auditListQuery = z
  .strictObject({ ...auditFilterFields, ...cursorQuery(idSchema("aud")) })
  .refine((q) => q.starting_after === undefined || q.ending_before === undefined, {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });

/** An audit-log entry: one event as received, with who caused it and the trace it belongs to. */
export const auditEntrySchema = component(
  "AuditEntry",
  z.object({
    id: idSchema("aud"),
    event_id: idSchema("evt"),
    type: z.string(),
    version: z.int(),
    producer: z.string(),
    subject: z.string(),
    actor_id: z
      .string()
      .nullable()
      .describe("The user who caused the event; null: the platform, or not recorded"),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .nullable(),
    occurred_at: timestampSchema,
    received_at: timestampSchema,
    event: component(
      "EventEnvelope",
      eventEnvelopeSchema,
      "An event as the bus carried it; `data`'s shape depends on `type` and `version`",
    ).describe("The whole event envelope as received (data included)"),
  }),
);
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

export const auditEntryListSchema = component("AuditEntryList", pageOf(auditEntrySchema));

/** Query of `GET /dashboard`. */
export const dashboardQuery = z.strictObject({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(60)
    .describe("Minute buckets ending with the current minute (at most a day)"),
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(30)
    .describe("Day buckets ending with today, UTC (at most a year)"),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

/** The payments of one time bucket in one status and currency. */
export const dashboardBucketShareSchema = z.object({
  status: z.enum(PAYMENT_STATUSES),
  currency: z.string(),
  count: z.int(),
  amount: z.int().describe("Sum of their amounts (minor units)"),
});
export type DashboardBucketShare = z.infer<typeof dashboardBucketShareSchema>;

/**
 * Payments created in one UTC minute or day. Each payment is counted once, in the bucket of its creation,
 * under the status it has now (a refund moves it from `succeeded` to `refunded` in that same bucket).
 */
export const dashboardBucketSchema = component(
  "DashboardBucket",
  z.object({
    bucket_start: timestampSchema,
    payments: z.int().describe("Payments created in this bucket"),
    by_status: z
      .array(dashboardBucketShareSchema)
      .describe("The bucket's payments by current status and currency (empty when none were created)"),
  }),
);
export type DashboardBucket = z.infer<typeof dashboardBucketSchema>;

/** Money moved per currency. */
export const dashboardVolumeSchema = z.object({
  currency: z.string(),
  captured: z.int().describe("Sum of payments that succeeded (including those refunded since)"),
  refunded: z.int(),
  net: z.int(),
});
export type DashboardVolume = z.infer<typeof dashboardVolumeSchema>;

export const dashboardSchema = component(
  "Dashboard",
  z.object({
    generated_at: timestampSchema,
    payments: z.object({
      by_status: z
        .array(
          z.object({
            status: z.enum(PAYMENT_STATUSES),
            currency: z.string(),
            count: z.int(),
            amount: z.int(),
            amount_refunded: z.int(),
          }),
        )
        .describe("Every payment seen, by its current status and currency"),
      volume: z.array(dashboardVolumeSchema),
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
    series: z
      .object({
        minute: z
          .array(dashboardBucketSchema)
          .describe("Every UTC minute of the last `minutes`, oldest first, the current one last"),
        day: z
          .array(dashboardBucketSchema)
          .describe("Every UTC day of the last `days`, oldest first, today last"),
      })
      .describe("Payments created per bucket; every bucket of the window is present, empty ones too"),
  }),
);
export type DashboardView = z.infer<typeof dashboardSchema>;

export const adminListAuditLogs = operation({
  service: "admin",
  id: "admin.listAuditLogs",
  method: "get",
  path: "/audit-logs",
  summary: "Search the audit log, newest first (cursor pagination)",
  description: "A `from` after `to` is 400 `invalid_time_range`.",
  tags: ["audit"],
  security: "bearer",
  roles: ["admin"],
  query: auditListQuery,
  responses: { 200: { description: "Audit entries", schema: auditEntryListSchema } },
  errors: [403],
});

export const adminExportAuditLogs = operation({
  service: "admin",
  id: "admin.exportAuditLogs",
  method: "get",
  path: "/audit-logs.csv",
  summary: "Export the audit log matching the filters as CSV, newest first (streamed)",
  description:
    "Columns: id, occurred_at, type, version, producer, subject, actor_id, trace_id, event_id, received_at, " +
    "data (the event's data as JSON). A `from` after `to` is 400 `invalid_time_range`.",
  tags: ["audit"],
  security: "bearer",
  roles: ["admin"],
  query: auditExportQuery,
  responses: {
    200: {
      description: "CSV with a header row",
      mediaType: "text/csv",
      headers: { "Content-Disposition": '`attachment; filename="audit-log-<time>.csv"`' },
    },
  },
  errors: [403],
});

export const adminGetDashboard = operation({
  service: "admin",
  id: "admin.getDashboard",
  method: "get",
  path: "/dashboard",
  summary: "Payments by status and currency, volume, failures, activity, per-minute and per-day series",
  description:
    "Series count payments, not their state changes: each payment once, in the minute and day it was " +
    "created (the payment's own `created_at`, so backdated demo data spreads over its days), under its " +
    "current status. Every bucket of the window is listed, empty ones with `payments: 0`.",
  tags: ["dashboard"],
  security: "bearer",
  roles: ["admin"],
  query: dashboardQuery,
  responses: { 200: { description: "The dashboard", schema: dashboardSchema } },
  errors: [403],
});

/** The audit and dashboard operations. */
export const ADMIN_AUDIT_OPERATIONS = [adminListAuditLogs, adminExportAuditLogs, adminGetDashboard] as const;
