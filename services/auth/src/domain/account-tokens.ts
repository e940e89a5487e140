import type { AccountTokenPurpose } from "../db/mail-schema.ts";

/** How long a mailed token works (docs/adr/0017). */
export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 3600_000,
  reset_password: 30 * 60_000,
  invitation: 72 * 3600_000,
  change_email: 24 * 3600_000,
};

/**
 * Whether issuing a token of `purpose` retires the user's earlier unused ones. A reset or invitation link
 * is a credential: only the newest may work, so an older mail that leaked is worthless. Verification links
 * all prove the same mailbox, so an earlier one keeps working until it expires.
 */
export function supersedesEarlier(purpose: AccountTokenPurpose): boolean {
  return purpose !== "verify_email";
}

/** Why a presented token cannot be used; the API says all of them the same way (400 `invalid_token`). */
export type TokenRefusal = "unknown" | "used" | "expired" | "wrong_purpose" | "address_changed" | "inactive";

/** Decides whether a stored token may be used now (pure; the guarded update settles races). */
export function tokenRefusal(
  token: { purpose: AccountTokenPurpose; usedAt: Date | null; expiresAt: Date; email: string } | undefined,
  user: { email: string; active: boolean } | undefined,
  purpose: AccountTokenPurpose,
  now: Date,
): TokenRefusal | undefined {
  if (!token || !user) return "unknown";
  if (token.purpose !== purpose) return "wrong_purpose";
  if (token.usedAt) return "used";
  if (token.expiresAt.getTime() <= now.getTime()) return "expired";
  // The mail went to an address the account no longer has: it proves nothing about the current one. (A
  // change link goes to the address the account is to have: docs/adr/0028.)
  if (purpose !== "change_email" && token.email !== user.email) return "address_changed";
  if (!user.active) return "inactive";
  return undefined;
}
