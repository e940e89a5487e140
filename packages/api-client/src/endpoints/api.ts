import { ApiError, type HttpClient } from "../http/index.ts";
import type { SessionGrant } from "../session/index.ts";
import { type BodyOf, createCaller, createDownloader, type QueryOf, type Schema } from "./call.ts";
import { dashboardView, historyEntries, preferencesView } from "./views.ts";

/** Filters of the payment list and its CSV export (the query of `payments.list` without its cursor). */
export type PaymentFilters = Omit<QueryOf<"payments.list">, "limit" | "starting_after" | "ending_before">;
/** Filters of the audit log (the query of `admin.listAuditLogs` without its cursor). */
export type AuditFilters = Omit<QueryOf<"admin.listAuditLogs">, "limit" | "starting_after" | "ending_before">;
/** Filters of the admin user list (the query of `auth.listUsers` without its cursor). */
export type UserFilters = Omit<QueryOf<"auth.listUsers">, "limit" | "starting_after" | "ending_before">;

/** What a login answers: a signed-in session, or (two-factor accounts) the challenge of its second step. */
export type LoginResult = Schema<"SignedIn"> | Schema<"MfaChallenge">;

/** True when a login answered 202: the account asks for its second factor (`api.auth.completeLogin`). */
export function needsSecondFactor(result: LoginResult): result is Schema<"MfaChallenge"> {
  return "mfa_required" in result && result.mfa_required === true;
}

/** A new idempotency key: one per submit, reused only by retries of that same submit (§3). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Every route the frontends call, as methods. Each is one `call(operationId, …)`: what it sends and what it
 * gets back are the generated contract's types, so nothing here restates a shape.
 */
export function createApi(http: HttpClient) {
  const call = createCaller(http);
  const download = createDownloader(http);
  const open = { authenticated: false } as const;
  return {
    auth: {
      register: (body: BodyOf<"auth.register">) => call("auth.register", { ...open, body }),
      login: (body: BodyOf<"auth.login">): Promise<LoginResult> => call("auth.login", { ...open, body }),
      /** The login's second step: the challenge and a code or a recovery code. */
      completeLogin: (body: BodyOf<"auth.completeLogin">) => call("auth.completeLogin", { ...open, body }),
      twoFactor: () => call("auth.getTwoFactor"),
      setupTwoFactor: () => call("auth.setupTwoFactor"),
      enableTwoFactor: (code: string) => call("auth.enableTwoFactor", { body: { code } }),
      disableTwoFactor: (body: BodyOf<"auth.disableTwoFactor">) => call("auth.disableTwoFactor", { body }),
      regenerateRecoveryCodes: (code: string) => call("auth.regenerateRecoveryCodes", { body: { code } }),
      me: () => call("auth.getMe"),
      changePassword: (body: BodyOf<"auth.changePassword">) => call("auth.changePassword", { body }),
      /** Mails a link to the new address; nothing changes until it is opened (docs/adr/0028). */
      changeEmail: (body: BodyOf<"auth.changeEmail">) => call("auth.changeEmail", { body }),
      logoutAll: () => call("auth.logoutAll"),
      sessions: () => call("auth.listSessions", { query: { limit: 100 } }),
      revokeSession: (id: string) => call("auth.revokeSession", { path: { id } }),
      revokeOtherSessions: () => call("auth.revokeOtherSessions", { query: { others: "true" } }),
      users: (filters: UserFilters, cursor?: string) =>
        call("auth.listUsers", { query: { ...filters, limit: 50, starting_after: cursor } }),
      updateUser: (id: string, body: BodyOf<"auth.updateUser">) =>
        call("auth.updateUser", { path: { id }, body }),
      inviteUser: (body: BodyOf<"auth.inviteUser">) => call("auth.inviteUser", { body }),
      verifyEmail: (body: BodyOf<"auth.verifyEmail">) => call("auth.verifyEmail", { ...open, body }),
      resendVerification: () => call("auth.resendVerification"),
      forgotPassword: (body: BodyOf<"auth.forgotPassword">) => call("auth.forgotPassword", { ...open, body }),
      resetPassword: (body: BodyOf<"auth.resetPassword">) => call("auth.resetPassword", { ...open, body }),
      acceptInvitation: (body: BodyOf<"auth.acceptInvitation">) =>
        call("auth.acceptInvitation", { ...open, body }),
    },
    payments: {
      create: (body: BodyOf<"payments.create">, idempotencyKey: string) =>
        call("payments.create", { body, idempotencyKey }),
      list: (filters: PaymentFilters, cursor?: string, limit = 20) =>
        call("payments.list", { query: { ...filters, limit, starting_after: cursor } }),
      /** Every payment the filters match, as a CSV file. */
      exportCsv: (filters: PaymentFilters) =>
        download("payments.exportCsv", { query: filters, headers: { accept: "text/csv" } }),
      get: (id: string) => call("payments.get", { path: { id } }),
      history: async (id: string) => historyEntries(await call("payments.history", { path: { id } })),
      cancel: (id: string, idempotencyKey: string) =>
        call("payments.cancel", { path: { id }, idempotencyKey }),
      refund: (id: string, body: BodyOf<"payments.refund">, idempotencyKey: string) =>
        call("payments.refund", { path: { id }, body, idempotencyKey }),
      payees: (query: string) => call("payments.searchPayees", { query: { query } }),
      summary: (query: QueryOf<"payments.summary"> = {}) => call("payments.summary", { query }),
    },
    /** A vendor's money (docs/adr/0031): balance, its lines, the monthly statement, bank account, payouts. */
    balance: {
      get: () => call("balance.get"),
      transactions: (query: QueryOf<"balance.listTransactions"> = {}) =>
        call("balance.listTransactions", { query }),
      /** The month's balance lines as a CSV file (`month` = `YYYY-MM`, UTC). */
      statementCsv: (query: QueryOf<"balance.statement">) =>
        download("balance.statement", { query, headers: { accept: "text/csv" } }),
      setBankAccount: (accountNumber: string) =>
        call("balance.setBankAccount", { body: { account_number: accountNumber } }),
      payouts: (query: QueryOf<"payouts.list"> = {}) => call("payouts.list", { query }),
      createPayout: (body: BodyOf<"payouts.create">, idempotencyKey: string) =>
        call("payouts.create", { body, idempotencyKey }),
    },
    ledger: {
      check: () => call("ledger.check"),
    },
    admin: {
      dashboard: async () => dashboardView(await call("admin.getDashboard")),
      auditLogs: (filters: AuditFilters, cursor?: string) =>
        call("admin.listAuditLogs", { query: { ...filters, limit: 50, starting_after: cursor } }),
      /** The CSV export as a Blob (a plain link cannot carry the in-memory bearer token). */
      auditCsv: async (filters: AuditFilters) =>
        (
          await http.send("/api/admin/audit-logs.csv", {
            query: { ...filters },
            headers: { accept: "text/csv" },
          })
        ).blob(),
      config: () => call("admin.getConfig"),
      publicConfig: () => call("admin.getPublicConfig", open),
      updateConfig: (settings: BodyOf<"admin.updateConfig">["settings"], version: number) =>
        call("admin.updateConfig", { body: { settings, expected_version: version } }),
    },
    profile: {
      me: () => call("profile.getMe"),
      updateMe: (patch: BodyOf<"profile.updateMe">) => call("profile.updateMe", { body: patch }),
      preferences: async () => preferencesView(await call("profile.getPreferences")),
      updatePreferences: async (patch: BodyOf<"profile.updatePreferences">) =>
        preferencesView(await call("profile.updatePreferences", { body: patch })),
      /** The notification switches (docs/adr/0028), which the shell's preferences store leaves out. */
      notificationSwitches: async () => (await call("profile.getPreferences")).notifications,
      updateNotificationSwitches: async (
        patch: NonNullable<BodyOf<"profile.updatePreferences">["notifications"]>,
      ) => (await call("profile.updatePreferences", { body: { notifications: patch } })).notifications,
    },
    notifications: {
      list: (query: QueryOf<"notifications.list"> = {}) => call("notifications.list", { query }),
      unreadCount: () => call("notifications.unreadCount"),
      markRead: (id: string) => call("notifications.markRead", { path: { id } }),
      markAllRead: () => call("notifications.markAllRead"),
    },
    realtime: {
      ticket: () => call("realtime.createTicket"),
    },
    /** API keys and webhooks (docs/adr/0033, 0034): the Developers page. */
    developers: {
      apiKeys: () => call("apiKeys.list", { query: { limit: 100 } }),
      createApiKey: (body: BodyOf<"apiKeys.create">) => call("apiKeys.create", { body }),
      revokeApiKey: (id: string) => call("apiKeys.revoke", { path: { id } }),
      endpoints: () => call("webhookEndpoints.list", { query: { limit: 100 } }),
      createEndpoint: (body: BodyOf<"webhookEndpoints.create">) => call("webhookEndpoints.create", { body }),
      updateEndpoint: (id: string, body: BodyOf<"webhookEndpoints.update">) =>
        call("webhookEndpoints.update", { path: { id }, body }),
      deleteEndpoint: (id: string) => call("webhookEndpoints.delete", { path: { id } }),
      rotateSecret: (id: string) => call("webhookEndpoints.rotateSecret", { path: { id } }),
      sendTest: (id: string) => call("webhookEndpoints.sendTest", { path: { id } }),
      deliveries: (query: QueryOf<"webhookDeliveries.list"> = {}) =>
        call("webhookDeliveries.list", { query }),
      replay: (id: string) => call("webhookDeliveries.replay", { path: { id } }),
    },
  };
}

/** The typed API. */
export type Api = ReturnType<typeof createApi>;

/** `POST /api/auth/refresh` for the session store: the grant, or undefined when the server refuses. */
export async function refreshGrant(http: HttpClient): Promise<SessionGrant | undefined> {
  try {
    return await createCaller(http)("auth.refresh", { authenticated: false });
  } catch (error) {
    // No cookie, an expired or reused one, or a foreign Origin: there is no session to continue.
    if (error instanceof ApiError && [400, 401, 403].includes(error.status)) return undefined;
    throw error;
  }
}
