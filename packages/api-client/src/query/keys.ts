import type { EventEnvelope } from "@payments/contracts";

/** A TanStack Query key (kept structural so this module needs no React). */
export type QueryKey = readonly unknown[];

/**
 * Every query key of the frontends, in one place: the shell invalidates by these when events arrive, and
 * the remotes read with them, so a remote never has to know which events touch its data.
 */
export const queryKeys = {
  me: ["auth", "me"] as const,
  sessions: ["auth", "sessions"] as const,
  twoFactor: ["auth", "two-factor"] as const,
  payments: {
    all: ["payments"] as const,
    lists: ["payments", "list"] as const,
    list: (filters: Record<string, string | undefined>) => ["payments", "list", filters] as const,
    detail: (id: string) => ["payments", "detail", id] as const,
    history: (id: string) => ["payments", "history", id] as const,
    summary: ["payments", "summary"] as const,
    payees: (query: string) => ["payments", "payees", query] as const,
  },
  balance: {
    all: ["balance"] as const,
    get: ["balance", "get"] as const,
    transactions: (filters: Record<string, string | undefined>) =>
      ["balance", "transactions", filters] as const,
    payouts: ["balance", "payouts"] as const,
  },
  ledger: {
    check: ["ledger", "check"] as const,
  },
  admin: {
    dashboard: ["admin", "dashboard"] as const,
    users: ["admin", "users"] as const,
    userList: (filters: Record<string, string | undefined>) => ["admin", "users", filters] as const,
    audit: ["admin", "audit"] as const,
    auditList: (filters: Record<string, string | undefined>) => ["admin", "audit", filters] as const,
    config: ["admin", "config"] as const,
  },
  profile: {
    me: ["profile", "me"] as const,
    preferences: ["profile", "preferences"] as const,
    /** Under the preferences key: what invalidates those refetches these too. */
    notificationSwitches: ["profile", "preferences", "notifications"] as const,
  },
  /** The notification centre: the bell's count and the list (docs/adr/0028). */
  notifications: {
    all: ["notifications"] as const,
    unread: ["notifications", "unread"] as const,
    list: (filters: Record<string, string | undefined>) => ["notifications", "list", filters] as const,
  },
} as const;

/** Queries whose data an event may have changed (prefix keys: invalidating `["payments"]` covers all). */
export function keysForEvent(event: EventEnvelope): QueryKey[] {
  const keys: QueryKey[] = [queryKeys.admin.dashboard, queryKeys.admin.audit];
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.failed":
    case "payment.canceled":
      keys.push(
        queryKeys.payments.lists,
        queryKeys.payments.summary,
        queryKeys.payments.detail(event.data.id),
        queryKeys.payments.history(event.data.id),
      );
      break;
    case "refund.succeeded":
    case "refund.failed":
      keys.push(
        queryKeys.payments.lists,
        queryKeys.payments.summary,
        queryKeys.payments.detail(event.data.payment_id),
        queryKeys.payments.history(event.data.payment_id),
      );
      break;
    case "user.registered":
    case "user.updated":
    case "user.role_changed":
    case "user.deactivated":
      keys.push(queryKeys.admin.users, queryKeys.me);
      break;
    case "session.revoked":
      keys.push(queryKeys.sessions);
      break;
    case "profile.updated":
      keys.push(queryKeys.profile.me, queryKeys.profile.preferences);
      break;
    case "config.updated":
      keys.push(queryKeys.admin.config);
      break;
    case "notification.created":
      keys.push(queryKeys.notifications.all);
      break;
  }
  return keys;
}

/** Queries to refetch when a room may have missed events (a `seq` gap or a reconnect). */
export function keysForRoom(room: string): QueryKey[] {
  const [kind, id] = room.split(":", 2);
  if (kind === "payment" && id) {
    return [queryKeys.payments.detail(id), queryKeys.payments.history(id), queryKeys.payments.lists];
  }
  if (kind === "role" && id === "admin") {
    return [queryKeys.admin.dashboard, queryKeys.admin.audit, queryKeys.admin.users, queryKeys.payments.all];
  }
  if (kind === "user") {
    return [
      queryKeys.payments.all,
      queryKeys.sessions,
      queryKeys.me,
      queryKeys.profile.preferences,
      queryKeys.notifications.all,
    ];
  }
  if (kind === "broadcast") return [queryKeys.admin.config];
  return [];
}
