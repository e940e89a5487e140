/**
 * The frontends' typed API client: HTTP with transparent token refresh, the browser session with cross-tab
 * sync, the real-time client, form schemas mirroring the API, money conversion and formatting, query keys,
 * analytics, and the platform object the shell hands to every remote. React bindings: `./react`.
 */

// The contract pieces the frontends use, re-exported so a remote never bundles its own copy of contracts
// next to the shared one: the browser entry (values, no zod). The schemas come with `loadForms()`.
export {
  type EventEnvelope,
  isSupportedCurrency,
  MAX_AMOUNT,
  minorUnitExponent,
  PAYMENT_STATUSES,
  type PaymentStatus,
  ROLES,
  type Role,
} from "@payments/contracts/browser";
export * from "./analytics/index.ts";
export * from "./endpoints/index.ts";
export * from "./forms/index.ts";
export * from "./http/index.ts";
export * from "./money/index.ts";
export * from "./platform/index.ts";
export * from "./query/index.ts";
export * from "./realtime/index.ts";
export * from "./session/index.ts";
