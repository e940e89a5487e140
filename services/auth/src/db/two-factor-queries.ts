import { and, count, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { AuthDb } from "./queries.ts";
import { sessions } from "./schema.ts";
import {
  type MfaChallengeRow,
  mfaChallenges,
  recoveryCodes,
  type TwoFactorRow,
  twoFactor,
} from "./two-factor-schema.ts";

/** The user's two-factor row (enabled or waiting for its first code). */
export async function findTwoFactor(db: AuthDb, userId: string): Promise<TwoFactorRow | undefined> {
  const [row] = await db.select().from(twoFactor).where(eq(twoFactor.userId, userId));
  return row;
}

/**
 * Stores a new unconfirmed secret, replacing an earlier unconfirmed one but never an enabled one: false
 * when two-factor is (or just became) enabled.
 */
export async function putPendingSecret(
  db: AuthDb,
  args: { userId: string; sealedSecret: string; now: Date },
): Promise<boolean> {
  const rows = await db
    .insert(twoFactor)
    .values({ userId: args.userId, secret: args.sealedSecret, createdAt: args.now })
    .onConflictDoUpdate({
      target: twoFactor.userId,
      set: { secret: args.sealedSecret, createdAt: args.now, lastTimeStep: null },
      setWhere: isNull(twoFactor.enabledAt),
    })
    .returning({ userId: twoFactor.userId });
  return rows.length === 1;
}

/** Enables the pending secret; false when it was enabled meanwhile (or replaced: nothing pending). */
export async function enableTwoFactor(
  db: AuthDb,
  args: { userId: string; sealedSecret: string; timeStep: number; now: Date },
): Promise<boolean> {
  const rows = await db
    .update(twoFactor)
    .set({ enabledAt: args.now, lastTimeStep: args.timeStep })
    .where(
      and(
        eq(twoFactor.userId, args.userId),
        eq(twoFactor.secret, args.sealedSecret),
        isNull(twoFactor.enabledAt),
      ),
    )
    .returning({ userId: twoFactor.userId });
  return rows.length === 1;
}

/**
 * Records that a code of `timeStep` was used, only if no code of that step or a later one was: of two
 * requests with the same code exactly one wins. False for the loser (a replay).
 */
export async function claimTimeStep(db: AuthDb, userId: string, timeStep: number): Promise<boolean> {
  const rows = await db
    .update(twoFactor)
    .set({ lastTimeStep: timeStep })
    .where(
      and(
        eq(twoFactor.userId, userId),
        or(isNull(twoFactor.lastTimeStep), lt(twoFactor.lastTimeStep, timeStep)),
      ),
    )
    .returning({ userId: twoFactor.userId });
  return rows.length === 1;
}

/** Deletes the user's secret and recovery codes. */
export async function deleteTwoFactor(db: AuthDb, userId: string): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.delete(twoFactor).where(eq(twoFactor.userId, userId));
}

/** Replaces the user's recovery codes with these hashes. */
export async function replaceRecoveryCodes(
  db: AuthDb,
  userId: string,
  hashes: readonly string[],
  now: Date,
): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
}

/** Spends a recovery code: false when it is unknown or already used (a guarded update: single use). */
export async function useRecoveryCode(
  db: AuthDb,
  userId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, codeHash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return rows.length === 1;
}

/** How many unused recovery codes the user has. */
export async function remainingRecoveryCodes(db: AuthDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/** Marks a session as signed in with a second factor (enrolment proved it has one). */
export async function markSessionMfa(db: AuthDb, sessionId: string): Promise<void> {
  await db.update(sessions).set({ mfa: true }).where(eq(sessions.id, sessionId));
}

/** Stores a new login challenge, dropping the user's expired ones. */
export async function insertChallenge(db: AuthDb, row: typeof mfaChallenges.$inferInsert): Promise<void> {
  await db
    .delete(mfaChallenges)
    .where(and(eq(mfaChallenges.userId, row.userId), lt(mfaChallenges.expiresAt, row.createdAt)));
  await db.insert(mfaChallenges).values(row);
}

/**
 * Counts one attempt on a live challenge (not expired, not consumed, attempts left) and returns it;
 * undefined when there is no such challenge. The count goes up before the code is checked, so parallel
 * guesses cannot share one attempt.
 */
export async function claimChallengeAttempt(
  db: AuthDb,
  args: { tokenHash: string; now: Date; maxAttempts: number },
): Promise<MfaChallengeRow | undefined> {
  const [row] = await db
    .update(mfaChallenges)
    .set({ attempts: sql`${mfaChallenges.attempts} + 1` })
    .where(
      and(
        eq(mfaChallenges.tokenHash, args.tokenHash),
        isNull(mfaChallenges.consumedAt),
        gt(mfaChallenges.expiresAt, args.now),
        lt(mfaChallenges.attempts, args.maxAttempts),
      ),
    )
    .returning();
  return row;
}

/** The live challenge of this hash, without counting an attempt. */
export async function findLiveChallenge(
  db: AuthDb,
  tokenHash: string,
  now: Date,
): Promise<MfaChallengeRow | undefined> {
  const [row] = await db
    .select()
    .from(mfaChallenges)
    .where(
      and(
        eq(mfaChallenges.tokenHash, tokenHash),
        isNull(mfaChallenges.consumedAt),
        gt(mfaChallenges.expiresAt, now),
      ),
    );
  return row;
}

/** Consumes a challenge: false when another request consumed it first. */
export async function consumeChallenge(db: AuthDb, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(mfaChallenges)
    .set({ consumedAt: now })
    .where(and(eq(mfaChallenges.tokenHash, tokenHash), isNull(mfaChallenges.consumedAt)))
    .returning({ tokenHash: mfaChallenges.tokenHash });
  return rows.length === 1;
}

/** Deletes challenges that expired before `cutoff` (maintenance). */
export async function pruneChallenges(db: AuthDb, cutoff: Date): Promise<number> {
  const rows = await db
    .delete(mfaChallenges)
    .where(lt(mfaChallenges.expiresAt, cutoff))
    .returning({ tokenHash: mfaChallenges.tokenHash });
  return rows.length;
}
