/**
 * The HTTP contract: every route's request and response shapes, declared once (see `operation.ts`).
 * Services validate with these schemas, `buildOpenApi` documents them, and the browser client's types are
 * generated from that document (`packages/api-client/src/generated`).
 */
import { ADMIN_OPERATIONS } from "./admin.ts";
import { AUTH_OPERATIONS } from "./auth.ts";
import { GATEWAY_OPERATIONS } from "./gateway.ts";
import { LEDGER_OPERATIONS } from "./ledger.ts";
import { NOTIFICATION_OPERATIONS } from "./notifications.ts";
import { PAYMENTS_OPERATIONS } from "./payments.ts";
import { PROFILE_OPERATIONS } from "./profile.ts";

export * from "./admin.ts";
export * from "./auth.ts";
export * from "./gateway.ts";
export * from "./ledger.ts";
export * from "./notifications.ts";
export * from "./openapi.ts";
export * from "./operation.ts";
export * from "./payments.ts";
export * from "./profile.ts";

/** Every operation of the platform, in the order the document lists them. */
export const OPERATIONS = [
  ...PAYMENTS_OPERATIONS,
  ...LEDGER_OPERATIONS,
  ...AUTH_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...PROFILE_OPERATIONS,
  ...NOTIFICATION_OPERATIONS,
  ...GATEWAY_OPERATIONS,
] as const;
