import { withEvents } from "@payments/events";
import { ApiError } from "@payments/service-kit";
import { findUserById } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import {
  claimChallengeAttempt,
  consumeChallenge,
  findLiveChallenge,
  findTwoFactor,
  insertChallenge,
  remainingRecoveryCodes,
} from "../db/two-factor-queries.ts";
import { hashRefreshToken, newRefreshToken } from "../security/tokens.ts";
import type { AuthCore, ClientMeta } from "./core.ts";
import { createSession, type IssuedSession, withAccessToken } from "./sessions.ts";
import { assertMfaAttemptsLeft, type FactorInput, spendFactor, twoFactorChanged } from "./two-factor.ts";

/** A login that passed the password and waits for the second factor (the 202 of `POST /login`). */
export interface PendingMfaLogin {
  challenge: string;
  expiresIn: number;
}

/** The 401 of a challenge that cannot be answered any more: unknown, expired, used or out of attempts. */
function invalidChallenge(): ApiError {
  return new ApiError(
    401,
    "authentication",
    "invalid_mfa_challenge",
    "This sign-in has expired or was already used; sign in again.",
  );
}

/** The 401 of a wrong or already used code at sign-in (the challenge holds while it has attempts left). */
function invalidCode(param: string): ApiError {
  return new ApiError(
    401,
    "authentication",
    "invalid_mfa_code",
    "The code is wrong or was already used.",
    param,
  );
}

/**
 * The challenge of a login whose account has two-factor enabled, or undefined when it has none. The
 * challenge is 256 random bits (the refresh-token generator's), stored as its SHA-256 like refresh tokens.
 */
export async function startMfaChallenge(core: AuthCore, user: UserRow): Promise<PendingMfaLogin | undefined> {
  const row = await findTwoFactor(core.db, user.id);
  if (!row?.enabledAt) return undefined;
  const challenge = newRefreshToken();
  const now = core.now();
  const { ttlSeconds } = core.settings.twoFactor;
  await insertChallenge(core.db, {
    tokenHash: hashRefreshToken(challenge),
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
  });
  return { challenge, expiresIn: ttlSeconds };
}

/**
 * Finishes a login with a code or a recovery code. Limits: the account's hourly wrong codes (429, checked
 * first so a blocked account does not burn its challenges), then one attempt of the challenge is counted
 * before the code is checked. A right code consumes the challenge and starts a two-factor session; a
 * recovery code used here is announced (`user.two_factor_changed`).
 */
export async function completeMfaLogin(
  core: AuthCore,
  input: FactorInput & { challenge: string },
  meta: ClientMeta,
): Promise<IssuedSession> {
  const tokenHash = hashRefreshToken(input.challenge);
  const live = await findLiveChallenge(core.db, tokenHash, core.now());
  if (!live) throw invalidChallenge();
  await assertMfaAttemptsLeft(core, live.userId);
  const claimed = await claimChallengeAttempt(core.db, {
    tokenHash,
    now: core.now(),
    maxAttempts: core.settings.twoFactor.attemptsPerChallenge,
  });
  if (!claimed) throw invalidChallenge();
  const user = await findUserById(core.db, claimed.userId);
  const factor = await findTwoFactor(core.db, claimed.userId);
  // Deactivated, or two-factor turned off since the password step: that sign-in is void.
  if (!user?.active || !factor?.enabledAt) throw invalidChallenge();

  const session = await withEvents(core, async (tx, emit) => {
    const spent = await spendFactor(core, tx, factor, input);
    if (!spent) return undefined;
    if (!(await consumeChallenge(tx, tokenHash, core.now()))) throw invalidChallenge();
    if (spent === "recovery_code") {
      const remaining = await remainingRecoveryCodes(tx, user.id);
      emit(twoFactorChanged(user, "recovery_code_used", remaining, meta.traceparent));
    }
    return createSession(core, tx, emit, user, meta, true);
  });
  if (!session) {
    await core.mfaThrottle.failed(user.id);
    throw invalidCode(input.code !== undefined ? "code" : "recovery_code");
  }
  return withAccessToken(core, session);
}
