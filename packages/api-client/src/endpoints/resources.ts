import { PAYMENT_STATUSES, ROLES } from "@payments/contracts/browser";
import * as v from "valibot";
import { sessionUserSchema } from "../session/index.ts";

// Response shapes the frontends rely on. Deliberately tolerant readers: unknown fields are dropped and
// fields a screen can live without are optional, so an additive API change never breaks a page. Valibot,
// not zod: these are parsed on every page's first load, and zod (over 15 KB gzipped even in its small
// build) is only fetched with the first form or live event, which check against the contracts' schemas.

/** A payment's state (contracts' `paymentStatusSchema`, as a valibot picklist). */
export const paymentStatusSchema = v.picklist(PAYMENT_STATUSES);
/** A user's role (contracts' `roleSchema`, as a valibot picklist). */
export const roleSchema = v.picklist(ROLES);

const integer = v.pipe(v.number(), v.integer());

/** `{data, has_more}` cursor page of `item` (§3). */
export function pageOf<S extends v.GenericSchema>(item: S) {
  return v.object({ data: v.array(item), has_more: v.boolean() });
}

/** A cursor page. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** A payment as `GET /api/payments/:id` returns it. */
export const paymentSchema = v.object({
  id: v.string(),
  payer_id: v.string(),
  payee_id: v.string(),
  amount: integer,
  currency: v.string(),
  status: paymentStatusSchema,
  amount_refunded: v.optional(integer, 0),
  description: v.nullish(v.string()),
  metadata: v.nullish(v.record(v.string(), v.string())),
  failure_code: v.nullish(v.string()),
  failure_message: v.nullish(v.string()),
  cancellation_reason: v.nullish(v.string()),
  created_at: v.string(),
  updated_at: v.optional(v.string()),
});
/** A {@link paymentSchema} value. */
export type Payment = v.InferOutput<typeof paymentSchema>;

/** Payment list page. */
export const paymentPageSchema = pageOf(paymentSchema);

/** One line of a payment's history: a state change, a processor attempt, or a refund. */
export const historyEntrySchema = v.object({
  id: v.string(),
  created_at: v.string(),
  object: v.optional(v.string()),
  from_status: v.nullish(v.string()),
  to_status: v.nullish(v.string()),
  status: v.nullish(v.string()),
  reason: v.nullish(v.string()),
  actor_id: v.nullish(v.string()),
  outcome: v.nullish(v.string()),
  attempt: v.nullish(v.number()),
  latency_ms: v.nullish(v.number()),
  failure_code: v.nullish(v.string()),
  amount: v.nullish(v.number()),
});
/** A {@link historyEntrySchema} value. */
export type HistoryEntry = v.InferOutput<typeof historyEntrySchema>;

/** `GET /api/payments/:id/history`: a list, or separate transitions/attempts/refunds lists. */
export const historySchema = v.pipe(
  v.union([
    v.object({ data: v.array(historyEntrySchema) }),
    v.object({
      transitions: v.optional(v.array(historyEntrySchema), []),
      attempts: v.optional(v.array(historyEntrySchema), []),
      refunds: v.optional(v.array(historyEntrySchema), []),
    }),
  ]),
  v.transform((body) => {
    const entries =
      "data" in body
        ? body.data
        : [
            ...body.transitions.map((e) => ({ ...e, object: e.object ?? "transition" })),
            ...body.attempts.map((e) => ({ ...e, object: e.object ?? "attempt" })),
            ...body.refunds.map((e) => ({ ...e, object: e.object ?? "refund" })),
          ];
    return [...entries].sort((a, b) => a.created_at.localeCompare(b.created_at));
  }),
);

/** A vendor found by `GET /api/payments/payees?query=`. */
export const payeeSchema = v.object({ id: v.string(), name: v.string(), email: v.optional(v.string()) });
/** A {@link payeeSchema} value. */
export type Payee = v.InferOutput<typeof payeeSchema>;
/** Payee search result. */
export const payeeListSchema = v.object({ data: v.array(payeeSchema) });

/** `GET /api/payments/reports/summary`. */
export const summarySchema = v.object({
  by_status: v.optional(
    v.array(v.object({ status: v.string(), currency: v.string(), count: v.number(), amount: v.number() })),
    [],
  ),
  totals: v.optional(v.array(v.object({ currency: v.string(), count: v.number(), amount: v.number() })), []),
});

/** One device/session of the signed-in user. */
export const deviceSessionSchema = v.object({
  id: v.string(),
  created_at: v.string(),
  last_used_at: v.string(),
  expires_at: v.string(),
  user_agent: v.nullable(v.string()),
  ip: v.nullable(v.string()),
  current: v.boolean(),
});
/** A {@link deviceSessionSchema} value. */
export type DeviceSession = v.InferOutput<typeof deviceSessionSchema>;

/** A user as auth returns it. */
export const userSchema = sessionUserSchema;
/** A {@link userSchema} value. */
export type User = v.InferOutput<typeof userSchema>;
/** A role. */
export const userRoleSchema = roleSchema;

/** One audit log row. */
export const auditEntrySchema = v.object({
  id: v.string(),
  event_id: v.optional(v.string()),
  type: v.string(),
  subject: v.nullish(v.string()),
  actor_id: v.nullish(v.string()),
  producer: v.optional(v.string()),
  occurred_at: v.string(),
  trace_id: v.nullish(v.string()),
});
/** An {@link auditEntrySchema} value. */
export type AuditEntry = v.InferOutput<typeof auditEntrySchema>;

/** One point of a dashboard series. */
export const dashboardPointSchema = v.object({
  bucket: v.string(),
  status: v.optional(v.string()),
  currency: v.optional(v.string()),
  count: v.optional(v.number(), 0),
  amount: v.optional(v.number()),
});
/** A {@link dashboardPointSchema} value. */
export type DashboardPoint = v.InferOutput<typeof dashboardPointSchema>;

/** One counter bucket as the admin service serves it (`series.minute` / `series.day`). */
const seriesPointSchema = v.object({
  bucket_start: v.string(),
  metric: v.string(),
  label: v.string(),
  currency: v.string(),
  count: v.number(),
  amount: v.number(),
});

/** Payment transitions of a series, as chart points by status. */
function paymentPoints(points: Array<v.InferOutput<typeof seriesPointSchema>>): DashboardPoint[] {
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
export const dashboardSchema = v.pipe(
  v.object({
    generated_at: v.optional(v.string()),
    payments: v.object({
      by_status: v.array(
        v.object({ status: v.string(), currency: v.string(), count: v.number(), amount: v.number() }),
      ),
    }),
    last_24h: v.object({ failures: v.array(v.object({ count: v.number() })) }),
    active_users: v.object({ count: v.number() }),
    active_sessions: v.number(),
    series: v.object({ minute: v.array(seriesPointSchema), day: v.array(seriesPointSchema) }),
  }),
  v.transform((d) => ({
    generated_at: d.generated_at,
    /** Sessions started and neither revoked nor expired (from auth's session events). */
    active_sessions: d.active_sessions,
    /** Distinct users who caused an event in the last 15 minutes. */
    active_users: d.active_users.count,
    failures: d.last_24h.failures.reduce((n, f) => n + f.count, 0),
    totals: d.payments.by_status,
    per_minute: paymentPoints(d.series.minute),
    per_day: paymentPoints(d.series.day),
  })),
);
/** A {@link dashboardSchema} value. */
export type Dashboard = v.InferOutput<typeof dashboardSchema>;

/** `GET /api/admin/config`: the current settings and their version. */
export const systemConfigSchema = v.pipe(
  v.object({
    version: integer,
    settings: v.optional(v.record(v.string(), v.unknown())),
    values: v.optional(v.record(v.string(), v.unknown())),
    updated_by: v.nullish(v.string()),
    updated_at: v.nullish(v.string()),
  }),
  v.transform(({ values, settings, ...rest }) => ({ ...rest, settings: settings ?? values ?? {} })),
);
/** A {@link systemConfigSchema} value. */
export type SystemConfig = v.InferOutput<typeof systemConfigSchema>;

/** `GET /api/profile/me/preferences`. */
export const preferencesSchema = v.pipe(
  v.object({
    theme: v.fallback(v.picklist(["light", "dark", "system"]), "system"),
    locale: v.fallback(v.pipe(v.string(), v.minLength(2), v.maxLength(35)), "en"),
    currency: v.fallback(v.optional(v.pipe(v.string(), v.length(3))), undefined),
    default_currency: v.fallback(v.optional(v.pipe(v.string(), v.length(3))), undefined),
  }),
  v.transform(({ theme, locale, currency, default_currency }) => ({
    theme,
    locale,
    currency: (currency ?? default_currency ?? "usd").toLowerCase(),
  })),
);
/** A {@link preferencesSchema} value. */
export type Preferences = v.InferOutput<typeof preferencesSchema>;

/** `POST /api/realtime/ticket`. */
export const ticketSchema = v.object({ ticket: v.pipe(v.string(), v.minLength(1)), expires_in: v.number() });
