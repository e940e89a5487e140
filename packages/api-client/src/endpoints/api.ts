import * as v from "valibot";
import type { CreatePaymentBody } from "../forms/index.ts";
import { ApiError, type HttpClient } from "../http/index.ts";
import { type SessionGrant, sessionGrantSchema } from "../session/index.ts";
import {
  auditEntrySchema,
  dashboardSchema,
  deviceSessionSchema,
  historySchema,
  type Preferences,
  pageOf,
  payeeListSchema,
  paymentPageSchema,
  paymentSchema,
  preferencesSchema,
  summarySchema,
  systemConfigSchema,
  ticketSchema,
  userSchema,
} from "./resources.ts";

const noContent = v.unknown();

/** Filters of the payment list (query parameters of `GET /api/payments`). */
export interface PaymentFilters {
  status?: string | undefined;
  role?: "payer" | "payee" | undefined;
  "created[gte]"?: string | undefined;
  "created[lte]"?: string | undefined;
}

/** Filters of the audit log (query parameters of `GET /api/admin/audit-logs`). */
export interface AuditFilters {
  type?: string | undefined;
  subject?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Filters of the admin user list. */
export interface UserFilters {
  query?: string | undefined;
  role?: string | undefined;
  active?: string | undefined;
}

/** A new idempotency key: one per submit, reused only by retries of that same submit (§3). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Every public route of ARCHITECTURE §3 the frontends call, typed end to end. */
export function createApi(http: HttpClient) {
  const open = { authenticated: false } as const;
  return {
    auth: {
      register: (body: { email: string; password: string; name: string; role: "customer" | "vendor" }) =>
        http.json("/api/auth/register", sessionGrantSchema, { ...open, method: "POST", body }),
      login: (body: { email: string; password: string }) =>
        http.json("/api/auth/login", sessionGrantSchema, { ...open, method: "POST", body }),
      me: () => http.json("/api/auth/me", userSchema),
      changePassword: (body: { current_password: string; new_password: string }) =>
        http.json("/api/auth/password", noContent, { method: "POST", body }),
      logoutAll: () => http.json("/api/auth/logout-all", noContent, { method: "POST" }),
      sessions: () => http.json("/api/auth/sessions", pageOf(deviceSessionSchema), { query: { limit: 100 } }),
      revokeSession: (id: string) =>
        http.json(`/api/auth/sessions/${encodeURIComponent(id)}`, noContent, { method: "DELETE" }),
      revokeOtherSessions: () =>
        http.json("/api/auth/sessions", v.object({ revoked: v.number() }), {
          method: "DELETE",
          query: { others: "true" },
        }),
      users: (filters: UserFilters, cursor?: string) =>
        http.json("/api/auth/admin/users", pageOf(userSchema), {
          query: { ...filters, limit: 50, starting_after: cursor },
        }),
      updateUser: (id: string, body: { role?: "customer" | "vendor" | "admin"; active?: boolean }) =>
        http.json(`/api/auth/admin/users/${encodeURIComponent(id)}`, userSchema, { method: "PATCH", body }),
    },
    payments: {
      create: (body: CreatePaymentBody, idempotencyKey: string) =>
        http.json("/api/payments", paymentSchema, { method: "POST", body, idempotencyKey }),
      list: (filters: PaymentFilters, cursor?: string, limit = 20) =>
        http.json("/api/payments", paymentPageSchema, {
          query: { ...filters, limit, starting_after: cursor },
        }),
      get: (id: string) => http.json(`/api/payments/${encodeURIComponent(id)}`, paymentSchema),
      history: (id: string) => http.json(`/api/payments/${encodeURIComponent(id)}/history`, historySchema),
      cancel: (id: string, idempotencyKey: string) =>
        http.json(`/api/payments/${encodeURIComponent(id)}/cancel`, paymentSchema, {
          method: "POST",
          idempotencyKey,
        }),
      refund: (id: string, body: { amount?: number; reason?: string }, idempotencyKey: string) =>
        http.json(`/api/payments/${encodeURIComponent(id)}/refunds`, v.object({ id: v.string() }), {
          method: "POST",
          body,
          idempotencyKey,
        }),
      payees: (query: string) => http.json("/api/payments/payees", payeeListSchema, { query: { query } }),
      summary: (from?: string, to?: string) =>
        http.json("/api/payments/reports/summary", summarySchema, { query: { from, to } }),
    },
    admin: {
      dashboard: () => http.json("/api/admin/dashboard", dashboardSchema),
      auditLogs: (filters: AuditFilters, cursor?: string) =>
        http.json("/api/admin/audit-logs", pageOf(auditEntrySchema), {
          query: { ...filters, limit: 50, starting_after: cursor },
        }),
      /** The CSV export as a Blob (a plain link cannot carry the in-memory bearer token). */
      auditCsv: async (filters: AuditFilters) =>
        (
          await http.send("/api/admin/audit-logs.csv", {
            query: { ...filters },
            headers: { accept: "text/csv" },
          })
        ).blob(),
      config: () => http.json("/api/admin/config", systemConfigSchema),
      updateConfig: (settings: Record<string, unknown>, version: number) =>
        http.json("/api/admin/config", systemConfigSchema, {
          method: "PUT",
          body: settings,
          headers: { "if-match": String(version) },
        }),
    },
    profile: {
      preferences: () => http.json("/api/profile/me/preferences", preferencesSchema),
      updatePreferences: (patch: Partial<Preferences>) =>
        http.json("/api/profile/me/preferences", preferencesSchema, { method: "PATCH", body: patch }),
    },
    realtime: {
      ticket: () => http.json("/api/realtime/ticket", ticketSchema, { method: "POST" }),
    },
  };
}

/** The typed API. */
export type Api = ReturnType<typeof createApi>;

/** `POST /api/auth/refresh` for the session store: the grant, or undefined when the server refuses. */
export async function refreshGrant(http: HttpClient): Promise<SessionGrant | undefined> {
  try {
    return await http.json("/api/auth/refresh", sessionGrantSchema, { authenticated: false, method: "POST" });
  } catch (error) {
    // No cookie, an expired or reused one, or a foreign Origin: there is no session to continue.
    if (error instanceof ApiError && [400, 401, 403].includes(error.status)) return undefined;
    throw error;
  }
}
