import { dictionary } from "@zxcvbn-ts/language-common";

/** ASVS 2.1.1/2.1.2: at least 8 characters (12 recommended to users), at most 128, any characters. */
export const PASSWORD_MIN_LENGTH = 8;
/** Upper bound, so a huge "password" cannot make argon2 a denial-of-service lever. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The block list: zxcvbn-ts's common-password dictionary (about 49,000 entries from real breaches, MIT),
 * lower-cased. Passwords are compared case-insensitively, so `Password1` counts as `password1`.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary["passwords-common"].map((p) => p.toLowerCase()),
);

/** How many passwords the block list holds (tests check it is at least the top 10,000). */
export const commonPasswordCount = COMMON_PASSWORDS.size;

/** Why a new password is refused; the route turns it into a 400 with `param: "password"`. */
export type PasswordProblem = "too_short" | "too_long" | "common" | "contains_identity";

/** Context a password must not just repeat. */
export interface PasswordContext {
  email?: string;
  name?: string;
}

/**
 * Checks a new password against the policy of ASVS 2.1: length by Unicode code points (after NFC, so an
 * accented letter counts once), no composition rules, refuse breached/common passwords and ones that are
 * just the account's email or name.
 */
export function checkNewPassword(
  password: string,
  context: PasswordContext = {},
): PasswordProblem | undefined {
  const length = [...password.normalize("NFC")].length;
  if (length < PASSWORD_MIN_LENGTH) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return "common";
  const identities = [context.email, context.email?.split("@")[0], context.name]
    .filter((v): v is string => typeof v === "string" && v.length >= 3)
    .map((v) => v.toLowerCase());
  if (identities.some((identity) => lower === identity || lower.replace(/[\d!?.]+$/, "") === identity)) {
    return "contains_identity";
  }
  return undefined;
}

/** The message shown for each {@link PasswordProblem}. */
export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: "This password is too common; choose one that is not on lists of leaked passwords.",
  contains_identity: "Password must not be your email address or name.",
};
