/**
 * Rules of two-factor sign-in (docs/adr/0018) that need no I/O: recovery codes, challenge limits and the
 * `amr` an access token carries.
 */

/** How many recovery codes an enrolment (or a regeneration) hands out. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Crockford-style alphabet without the letters people misread (i, l, o, u): 32 symbols, so each character
 * carries 5 bits and 12 characters 60 bits — enough that a stolen table of hashes cannot be reversed by
 * guessing, while the code stays short enough to type.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODE_LENGTH = 12;

/** A new recovery code, grouped for reading: `xxxx-xxxx-xxxx`. */
export function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length] ?? "0").join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/**
 * The canonical form of a typed recovery code: lower case, without spaces and dashes; the letters people
 * confuse with digits are read as those digits. Undefined when it cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  if (code.length !== CODE_LENGTH) return undefined;
  for (const c of code) if (!ALPHABET.includes(c)) return undefined;
  return code;
}

/**
 * The stored form of a recovery code: SHA-256 over the user id and the normalised code. The user id makes
 * equal codes of two users hash apart, so a table of hashes cannot be attacked all at once.
 */
export function hashRecoveryCode(userId: string, normalizedCode: string): string {
  return new Bun.CryptoHasher("sha256").update(`${userId}:${normalizedCode}`).digest("base64url");
}

/** Limits of a login's second step. */
export interface ChallengePolicy {
  /** How long a challenge may be answered. */
  ttlSeconds: number;
  /** Wrong answers one challenge takes before it is spent (the user signs in again). */
  attemptsPerChallenge: number;
  /** Wrong codes per account per hour, over every challenge and the account pages, before 429. */
  failuresPerAccountHour: number;
}

/** Production limits: five minutes and five tries per challenge, twenty wrong codes an hour per account. */
export const DEFAULT_CHALLENGE_POLICY: ChallengePolicy = {
  ttlSeconds: 300,
  attemptsPerChallenge: 5,
  failuresPerAccountHour: 20,
};

/**
 * `amr` (RFC 8176) of a session's access tokens: `pwd`, plus `mfa` when it signed in with a second factor.
 * The session stores only that flag, so a refreshed token says the same as the first one.
 */
export function authMethods(mfa: boolean): string[] {
  return mfa ? ["pwd", "mfa"] : ["pwd"];
}
