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
const ADMIN: Record<Actor, Expectation> = {
  anonymous: 401,
  otherCustomer: 403,
  vendor: 403,
  admin: "allow",
  owner: 403,
};
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
  "GET /api/auth/admin/users": { expect: ADMIN, fuzzAs: "admin" },
  "PATCH /api/auth/admin/users/{id}": { expect: ADMIN, fuzzAs: "admin" },

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

  "POST /api/realtime/ticket": { expect: USER, fuzzAs: "customer" },
  "POST /api/analytics": { expect: PUBLIC, fuzzAs: "none" },
};

/** The policy of `method path`, or undefined when the route has none (a test failure). */
export function policyOf(method: string, path: string): RoutePolicy | undefined {
  return POLICIES[`${method.toUpperCase()} ${path}`];
}
