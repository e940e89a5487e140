import { paymentStatusSchema, roleSchema, userSnapshotSchema } from "@payments/contracts";
import { z } from "zod";

// Response shapes the frontends rely on. Deliberately tolerant readers: unknown fields are dropped and
// fields a screen can live without are optional, so an additive API change never breaks a page.

/** `{data, has_more}` cursor page of `item` (§3). */
export function pageOf<S extends z.ZodType>(item: S) {
  return z.object({ data: z.array(item), has_more: z.boolean() });
}

/** A cursor page. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** A payment as `GET /api/payments/:id` returns it. */
export const paymentSchema = z.object({
  id: z.string(),
  payer_id: z.string(),
  payee_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: paymentStatusSchema,
  amount_refunded: z.number().int().default(0),
  description: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  failure_code: z.string().nullish(),
  failure_message: z.string().nullish(),
  cancellation_reason: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().optional(),
});
/** A {@link paymentSchema} value. */
export type Payment = z.infer<typeof paymentSchema>;

/** Payment list page. */
export const paymentPageSchema = pageOf(paymentSchema);

/** One line of a payment's history: a state change, a processor attempt, or a refund. */
export const historyEntrySchema = z.object({
  id: z.string(),
  created_at: z.string(),
  object: z.string().optional(),
  from_status: z.string().nullish(),
  to_status: z.string().nullish(),
  status: z.string().nullish(),
  reason: z.string().nullish(),
  actor_id: z.string().nullish(),
  outcome: z.string().nullish(),
  attempt: z.number().nullish(),
  latency_ms: z.number().nullish(),
  failure_code: z.string().nullish(),
  amount: z.number().nullish(),
});
/** A {@link historyEntrySchema} value. */
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** `GET /api/payments/:id/history`: a list, or separate transitions/attempts/refunds lists. */
export const historySchema = z
  .union([
    z.object({ data: z.array(historyEntrySchema) }),
    z.object({
      transitions: z.array(historyEntrySchema).default([]),
      attempts: z.array(historyEntrySchema).default([]),
      refunds: z.array(historyEntrySchema).default([]),
    }),
  ])
  .transform((body) => {
    const entries =
      "data" in body
        ? body.data
        : [
            ...body.transitions.map((e) => ({ ...e, object: e.object ?? "transition" })),
            ...body.attempts.map((e) => ({ ...e, object: e.object ?? "attempt" })),
            ...body.refunds.map((e) => ({ ...e, object: e.object ?? "refund" })),
          ];
    return [...entries].sort((a, b) => a.created_at.localeCompare(b.created_at));
  });

/** A vendor found by `GET /api/payments/payees?query=`. */
export const payeeSchema = z.object({ id: z.string(), name: z.string(), email: z.string().optional() });
/** A {@link payeeSchema} value. */
export type Payee = z.infer<typeof payeeSchema>;
/** Payee search result. */
export const payeeListSchema = z.object({ data: z.array(payeeSchema) });

/** `GET /api/payments/reports/summary`. */
export const summarySchema = z.object({
  by_status: z
    .array(z.object({ status: z.string(), currency: z.string(), count: z.number(), amount: z.number() }))
    .default([]),
  totals: z.array(z.object({ currency: z.string(), count: z.number(), amount: z.number() })).default([]),
});

/** One device/session of the signed-in user. */
export const deviceSessionSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  last_used_at: z.string(),
  expires_at: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
/** A {@link deviceSessionSchema} value. */
export type DeviceSession = z.infer<typeof deviceSessionSchema>;

/** A user as auth returns it. */
export const userSchema = userSnapshotSchema;
/** A {@link userSchema} value. */
export type User = z.infer<typeof userSchema>;
/** A role. */
export const userRoleSchema = roleSchema;

/** One audit log row. */
export const auditEntrySchema = z.object({
  id: z.string(),
  event_id: z.string().optional(),
  type: z.string(),
  subject: z.string().nullish(),
  actor_id: z.string().nullish(),
  producer: z.string().optional(),
  occurred_at: z.string(),
  trace_id: z.string().nullish(),
});
/** An {@link auditEntrySchema} value. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** One point of a dashboard series. */
export const dashboardPointSchema = z.object({
  bucket: z.string(),
  status: z.string().optional(),
  currency: z.string().optional(),
  count: z.number().default(0),
  amount: z.number().optional(),
});
/** A {@link dashboardPointSchema} value. */
export type DashboardPoint = z.infer<typeof dashboardPointSchema>;

/** One counter bucket as the admin service serves it (`series.minute` / `series.day`). */
const seriesPointSchema = z.object({
  bucket_start: z.string(),
  metric: z.string(),
  label: z.string(),
  currency: z.string(),
  count: z.number(),
  amount: z.number(),
});

/** Payment transitions of a series, as chart points by status. */
function paymentPoints(points: Array<z.infer<typeof seriesPointSchema>>): DashboardPoint[] {
  return points
    .filter((p) => p.metric === "payments")
    .map((p) => ({
      bucket: p.bucket_start,
      status: p.label,
      currency: p.currency,
      count: p.count,
      amount: p.amount,
    }));
}

/**
 * `GET /api/admin/dashboard` (services/admin `DashboardView`), reshaped for the dashboard page: headline
 * totals by status, and per-minute / per-day payment transitions by status.
 */
export const dashboardSchema = z
  .object({
    generated_at: z.string().optional(),
    payments: z.object({
      by_status: z.array(
        z.object({ status: z.string(), currency: z.string(), count: z.number(), amount: z.number() }),
      ),
    }),
    last_24h: z.object({ failures: z.array(z.object({ count: z.number() })) }),
    active_users: z.object({ count: z.number() }),
    active_sessions: z.number(),
    series: z.object({ minute: z.array(seriesPointSchema), day: z.array(seriesPointSchema) }),
  })
  .transform((d) => ({
    generated_at: d.generated_at,
    /** Sessions started and neither revoked nor expired (from auth's session events). */
    active_sessions: d.active_sessions,
    /** Distinct users who caused an event in the last 15 minutes. */
    active_users: d.active_users.count,
    failures: d.last_24h.failures.reduce((n, f) => n + f.count, 0),
    totals: d.payments.by_status,
    per_minute: paymentPoints(d.series.minute),
    per_day: paymentPoints(d.series.day),
  }));
/** A {@link dashboardSchema} value. */
export type Dashboard = z.infer<typeof dashboardSchema>;

/** `GET /api/admin/config`: the current settings and their version. */
export const systemConfigSchema = z
  .object({
    version: z.number().int(),
    settings: z.record(z.string(), z.unknown()).optional(),
    values: z.record(z.string(), z.unknown()).optional(),
    updated_by: z.string().nullish(),
    updated_at: z.string().nullish(),
  })
  .transform(({ values, settings, ...rest }) => ({ ...rest, settings: settings ?? values ?? {} }));
/** A {@link systemConfigSchema} value. */
export type SystemConfig = z.infer<typeof systemConfigSchema>;

/** `GET /api/profile/me/preferences`. */
export const preferencesSchema = z
  .object({
    theme: z.enum(["light", "dark", "system"]).catch("system"),
    locale: z.string().min(2).max(35).catch("en"),
    currency: z.string().length(3).optional().catch(undefined),
    default_currency: z.string().length(3).optional().catch(undefined),
  })
  .transform(({ theme, locale, currency, default_currency }) => ({
    theme,
    locale,
    currency: (currency ?? default_currency ?? "usd").toLowerCase(),
  }));
/** A {@link preferencesSchema} value. */
export type Preferences = z.infer<typeof preferencesSchema>;

/** `POST /api/realtime/ticket`. */
export const ticketSchema = z.object({ ticket: z.string().min(1), expires_in: z.number() });
