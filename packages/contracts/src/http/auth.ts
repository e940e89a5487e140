import { AUTH_API_KEY_OPERATIONS } from "./auth-api-keys.ts";
import { AUTH_RECOVERY_OPERATIONS } from "./auth-recovery.ts";
import { AUTH_SESSION_OPERATIONS } from "./auth-sessions.ts";
import { AUTH_TWO_FACTOR_OPERATIONS } from "./auth-two-factor.ts";
import { AUTH_USER_OPERATIONS } from "./auth-users.ts";
import { WEBHOOK_OPERATIONS } from "./webhooks.ts";

/**
 * The auth service's routes (mounted at `/api/auth`), in two files: sign-in, sessions and tokens
 * (`auth-sessions.ts`), the signed-in user and admin user management (`auth-users.ts`).
 */
export * from "./auth-api-keys.ts";
export * from "./auth-recovery.ts";
export * from "./auth-sessions.ts";
export * from "./auth-two-factor.ts";
export * from "./auth-users.ts";
export * from "./webhooks.ts";

/** Every auth operation. */
export const AUTH_OPERATIONS = [
  ...AUTH_SESSION_OPERATIONS,
  ...AUTH_USER_OPERATIONS,
  ...AUTH_TWO_FACTOR_OPERATIONS,
  ...AUTH_RECOVERY_OPERATIONS,
  ...AUTH_API_KEY_OPERATIONS,
  ...WEBHOOK_OPERATIONS,
] as const;
