/**
 * Who may call what: the access policy of every public operation (ARCHITECTURE §3 route table, the services'
 * READMEs), written down once for the security matrix and the fuzzer. A route in the merged OpenAPI document
 * without an entry here fails the security suite: a new route must state its policy.
 */

/** The parties of the BOLA/BFLA matrix around one payment P (owner → vendor) and the owner's session S. */
export type Actor = "anonymous" | "otherCustomer" | "vendor" | "admin" | "owner";

/** Order the matrix runs in: the owner last, so denials are checked before the owner changes anything. */
export const ACTORS: readonly Actor[] = ["anonymous", "otherCustomer", "vendor", "admin", "owner"];

/**
 * What an actor must get: `allow` = past authorization (any status except 401/403/404 and 5xx; a 400 or
 * 409 from the business rules is fine), or exactly that denial.
 */
export type Expectation = "allow" | 401 | 403 | 404;

/** One operation's policy. */
export interface RoutePolicy {
  /** Per actor. */
  expect: Record<Actor, Expectation>;
  /** Whose valid token the fuzzer sends ("none": a public route). */
  fuzzAs: "customer" | "vendor" | "admin" | "none";
  /** Ends sessions or changes credentials: the suites give it a throwaway session. */
  endsSessions?: boolean;
}

const PUBLIC: Record<Actor, Expectation> = {
  anonymous: "allow",
  otherCustomer: "allow",
  vendor: "allow",
  admin: "allow",
  owner: "allow",
};
const USER: Record<Actor, Expectation> = { ...PUBLIC, anonymous: 401 };
/** A public route of an optional feature the test platform leaves off (it answers 404 to everyone). */
const NOT_CONFIGURED: Record<Actor, Expectation> = {
  anonymous: 404,
  otherCustomer: 404,
  vendor: 404,
  admin: 404,
  owner: 404,
};
const ADMIN: Record<Actor, Expectation> = {
  anonymous: 401,
  otherCustomer: 403,
  vendor: 403,
  admin: "allow",
  owner: 403,
};
/** Vendors and admins hold API keys and webhook endpoints; customers are refused. */
const KEY_HOLDERS: Record<Actor, Expectation> = { ...USER, otherCustomer: 403, owner: 403 };
/** Vendors only: a balance and payouts belong to a vendor (admins read the ledger's check instead). */
const VENDOR_ONLY: Record<Actor, Expectation> = { ...USER, otherCustomer: 403, admin: 403, owner: 403 };
/** The payment's parties and admins see it; anyone else gets the same 404 as for a missing payment. */
const PARTIES: Record<Actor, Expectation> = { ...USER, otherCustomer: 404 };

/** Keyed by `METHOD /path/{template}` as in the merged OpenAPI document. */
export const POLICIES: Record<string, RoutePolicy> = {
  "POST /api/auth/register": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/login": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/logout": { expect: PUBLIC, fuzzAs: "customer", endsSessions: true },
  // Refresh is by cookie only: a bearer token grants nothing there (checked with an allowed Origin).
  "POST /api/auth/refresh": {
    expect: { anonymous: 401, otherCustomer: 401, vendor: 401, admin: 401, owner: 401 },
    fuzzAs: "none",
  },
  "GET /api/auth/.well-known/jwks.json": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/logout-all": { expect: USER, fuzzAs: "customer", endsSessions: true },
  "GET /api/auth/me": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/password": { expect: USER, fuzzAs: "customer", endsSessions: true },
  "GET /api/auth/sessions": { expect: USER, fuzzAs: "customer" },
  "DELETE /api/auth/sessions": { expect: USER, fuzzAs: "customer", endsSessions: true },
  // Only the session's own user may end it; for anyone else it does not exist.
  "DELETE /api/auth/sessions/{id}": {
    expect: { anonymous: 401, otherCustomer: 404, vendor: 404, admin: 404, owner: "allow" },
    fuzzAs: "customer",
    endsSessions: true,
  },
  // API keys (docs/adr/0033): vendors' and admins' own; a customer is refused, another's key does not exist.
  "POST /api/auth/api-keys": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "GET /api/auth/api-keys": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "DELETE /api/auth/api-keys/{id}": { expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 }, fuzzAs: "vendor" },
  // The exchange takes the key itself as its credential, whoever sends it (a made-up one is 400 or 401).
  "POST /api/auth/api-keys/token": { expect: PUBLIC, fuzzAs: "none" },
  // Webhooks (docs/adr/0034): the same holders; the matrix's ids name nothing of theirs (404).
  "POST /api/auth/webhook-endpoints": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "GET /api/auth/webhook-endpoints": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "PATCH /api/auth/webhook-endpoints/{id}": {
    expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 },
    fuzzAs: "vendor",
  },
  "DELETE /api/auth/webhook-endpoints/{id}": {
    expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 },
    fuzzAs: "vendor",
  },
  "POST /api/auth/webhook-endpoints/{id}/rotate-secret": {
    expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 },
    fuzzAs: "vendor",
  },
  "POST /api/auth/webhook-endpoints/{id}/test": {
    expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 },
    fuzzAs: "vendor",
  },
  "GET /api/auth/webhook-deliveries": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "POST /api/auth/webhook-deliveries/{id}/replay": {
    expect: { ...KEY_HOLDERS, vendor: 404, admin: 404 },
    fuzzAs: "vendor",
  },
  "POST /api/auth/webhook-deliveries/replay-failed": { expect: KEY_HOLDERS, fuzzAs: "vendor" },
  "GET /api/auth/admin/users": { expect: ADMIN, fuzzAs: "admin" },
  "PATCH /api/auth/admin/users/{id}": { expect: ADMIN, fuzzAs: "admin" },
  // Mail-backed account routes (docs/adr/0017): the public ones are guarded by their mailed tokens.
  "POST /api/auth/email/verify": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/email/resend": { expect: USER, fuzzAs: "customer" },
  // The caller's own address (docs/adr/0028); the current password is asked, so a baseline request is a 400.
  "POST /api/auth/email": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/password/forgot": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/password/reset": { expect: PUBLIC, fuzzAs: "none" },
  "POST /api/auth/admin/invitations": { expect: ADMIN, fuzzAs: "admin" },
  "POST /api/auth/invitations/accept": { expect: PUBLIC, fuzzAs: "none" },
  // Two-factor (docs/adr/0018): the caller's own settings; each change needs a current code, so a
  // baseline request is a refusal of the code (400), never another user's data.
  "GET /api/auth/2fa": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/2fa/setup": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/2fa/enable": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/2fa/disable": { expect: USER, fuzzAs: "customer" },
  "POST /api/auth/2fa/recovery-codes": { expect: USER, fuzzAs: "customer" },
  // The second step of a sign-in: guarded by its one-time challenge, not by a token.
  "POST /api/auth/login/2fa": { expect: PUBLIC, fuzzAs: "none" },
  // Development only (never served in production); the suites run the development platform.
  "GET /api/auth/dev/mailbox": { expect: PUBLIC, fuzzAs: "none" },
  "GET /api/auth/dev/mailbox/messages": { expect: PUBLIC, fuzzAs: "none" },

  "POST /api/payments": {
    expect: { anonymous: 401, otherCustomer: "allow", vendor: 403, admin: 403, owner: "allow" },
    fuzzAs: "customer",
  },
  "GET /api/payments": { expect: USER, fuzzAs: "customer" },
  "GET /api/payments/{id}": { expect: PARTIES, fuzzAs: "customer" },
  "GET /api/payments/{id}/history": { expect: PARTIES, fuzzAs: "customer" },
  "POST /api/payments/{id}/cancel": { expect: { ...PARTIES, vendor: 403 }, fuzzAs: "customer" },
  "POST /api/payments/{id}/refunds": { expect: { ...PARTIES, owner: 403 }, fuzzAs: "vendor" },
  "GET /api/payments/reports/summary": { expect: USER, fuzzAs: "customer" },
  "GET /api/payments/payees": { expect: USER, fuzzAs: "customer" },
  // Own payments as CSV (admins: anyone's); filtering by another user is the list's 403.
  "GET /api/payments/export.csv": { expect: USER, fuzzAs: "customer" },
  // A vendor's own balance and payouts (docs/adr/0031): nobody else has one to read or move.
  "GET /api/payments/balance": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "GET /api/payments/balance/transactions": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "GET /api/payments/balance/statement.csv": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "PUT /api/payments/balance/bank-account": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "POST /api/payments/payouts": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "GET /api/payments/payouts": { expect: VENDOR_ONLY, fuzzAs: "vendor" },
  "GET /api/payments/ledger/check": { expect: ADMIN, fuzzAs: "admin" },

  "GET /api/admin/dashboard": { expect: ADMIN, fuzzAs: "admin" },
  "GET /api/admin/audit-logs": { expect: ADMIN, fuzzAs: "admin" },
  "GET /api/admin/audit-logs.csv": { expect: ADMIN, fuzzAs: "admin" },
  "GET /api/admin/config": { expect: ADMIN, fuzzAs: "admin" },
  "PUT /api/admin/config": { expect: ADMIN, fuzzAs: "admin" },
  "GET /api/admin/config/history": { expect: ADMIN, fuzzAs: "admin" },
  // The maintenance banner and currencies the shell shows before anyone signs in.
  "GET /api/admin/config/public": { expect: PUBLIC, fuzzAs: "none" },

  "GET /api/profile/me": { expect: USER, fuzzAs: "customer" },
  "PATCH /api/profile/me": { expect: USER, fuzzAs: "customer" },
  "GET /api/profile/me/preferences": { expect: USER, fuzzAs: "customer" },
  "PATCH /api/profile/me/preferences": { expect: USER, fuzzAs: "customer" },
  // The caller's own notification centre (docs/adr/0028); another's notification (here: a made-up id) is 404.
  "GET /api/profile/notifications": { expect: USER, fuzzAs: "customer" },
  "GET /api/profile/notifications/unread-count": { expect: USER, fuzzAs: "customer" },
  "POST /api/profile/notifications/read-all": { expect: USER, fuzzAs: "customer" },
  "POST /api/profile/notifications/{id}/read": {
    expect: { anonymous: 401, otherCustomer: 404, vendor: 404, admin: 404, owner: 404 },
    fuzzAs: "customer",
  },

  "POST /api/realtime/ticket": { expect: USER, fuzzAs: "customer" },
  "POST /api/analytics": { expect: PUBLIC, fuzzAs: "none" },
  // Public (the browser's Sentry tunnel), but the test platform configures no DSN: 404 for everyone.
  "POST /api/monitoring": { expect: NOT_CONFIGURED, fuzzAs: "none" },
};

/** The policy of `method path`, or undefined when the route has none (a test failure). */
export function policyOf(method: string, path: string): RoutePolicy | undefined {
  return POLICIES[`${method.toUpperCase()} ${path}`];
}
