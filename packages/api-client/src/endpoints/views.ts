import type { Schema } from "./call.ts";

/**
 * Views the screens read, derived from the contract's response types (never restated): they only reshape
 * what the services send, so a renamed field is a compile error here, not a blank cell on a page.
 */

export type Payment = Schema<"Payment">;
export type Refund = Schema<"Refund">;
export type Payee = Schema<"Payee">;
export type PaymentSummary = Schema<"PaymentSummary">;
export type User = Schema<"User">;
export type DeviceSession = Schema<"Session">;
export type AuditEntry = Schema<"AuditEntry">;
export type SystemConfig = Schema<"SystemConfig">;
export type SystemSettings = Schema<"SystemSettings">;
export type PublicConfig = Schema<"PublicConfig">;
export type Profile = Schema<"Profile">;

type History = Schema<"PaymentHistory">;
/** One line of a payment's history: a state change, a processor attempt or a refund. */
export type HistoryEntry =
  | ({ kind: "transition" } & History["transitions"][number])
  | ({ kind: "attempt" } & History["attempts"][number])
  | ({ kind: "refund" } & History["refunds"][number]);

/** A payment's history as one timeline, oldest first. */
export function historyEntries(history: History): HistoryEntry[] {
  const entries: HistoryEntry[] = [
    ...history.transitions.map((t) => ({ kind: "transition" as const, ...t })),
    ...history.attempts.map((a) => ({ kind: "attempt" as const, ...a })),
    ...history.refunds.map((r) => ({ kind: "refund" as const, ...r })),
  ];
  return entries.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** What the shell keeps of the preferences: how to show things (notification switches stay server-side). */
export type Preferences = Pick<Schema<"Preferences">, "theme" | "locale" | "default_currency">;

/** The display preferences of a `profile.getPreferences` answer. */
export function preferencesView(p: Schema<"Preferences">): Preferences {
  return { theme: p.theme, locale: p.locale, default_currency: p.default_currency };
}

/**
 * Payments created in one minute or day, by their status now and currency (every bucket of the window is
 * there, empty ones with `payments: 0`).
 */
export type DashboardBucket = Schema<"DashboardBucket">;

/** The admin dashboard, reshaped for its page: headline totals, volume per currency, per-minute / per-day buckets. */
export function dashboardView(d: Schema<"Dashboard">) {
  return {
    generated_at: d.generated_at,
    /** Sessions started and neither revoked nor expired (from auth's session events). */
    active_sessions: d.active_sessions,
    /** Distinct users who caused an event in the last 15 minutes. */
    active_users: d.active_users.count,
    failures: d.last_24h.failures.reduce((n, f) => n + f.count, 0),
    totals: d.payments.by_status,
    /** Money captured, refunded and net per currency, over every payment seen. */
    volume: d.payments.volume,
    per_minute: d.series.minute,
    per_day: d.series.day,
  };
}
/** A {@link dashboardView} value. */
export type Dashboard = ReturnType<typeof dashboardView>;

/** A cursor page. */
export type Page<T> = { data: T[]; has_more: boolean };
