import { mailOutbox } from "@payments/mail";

/**
 * The mail side of the auth schema (docs/adr/0017). The `account_tokens` table itself is in `schema.ts`
 * (it references `users`, and a module that `schema.ts` imports must not import `schema.ts` back).
 */

/** What a mailed token lets its holder do. */
export const ACCOUNT_TOKEN_PURPOSES = [
  "verify_email",
  "reset_password",
  "invitation",
  "change_email",
] as const;
/** One of {@link ACCOUNT_TOKEN_PURPOSES}. */
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

export { mailOutbox };
