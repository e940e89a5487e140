import { and, eq, gt, isNull, lt, or, type SQL } from "drizzle-orm";
import type { AccountTokenPurpose } from "./mail-schema.ts";
import type { AuthDb } from "./queries.ts";
import { type AccountTokenRow, accountTokens, type UserRow, users } from "./schema.ts";

/** Stores a mailed token (its hash); with `supersede`, the user's unused tokens of that purpose stop working. */
export async function insertAccountToken(
  db: AuthDb,
  row: typeof accountTokens.$inferInsert,
  supersede: boolean,
): Promise<void> {
  if (supersede) {
    await db
      .update(accountTokens)
      .set({ usedAt: row.createdAt })
      .where(
        and(
          eq(accountTokens.userId, row.userId),
          eq(accountTokens.purpose, row.purpose),
          isNull(accountTokens.usedAt),
        ),
      );
  }
  await db.insert(accountTokens).values(row);
}

/** A token by its hash, with its user. */
export async function findAccountToken(
  db: AuthDb,
  tokenHash: string,
): Promise<{ token: AccountTokenRow; user: UserRow } | undefined> {
  const [row] = await db
    .select({ token: accountTokens, user: users })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(eq(accountTokens.tokenHash, tokenHash));
  return row;
}

/**
 * Uses a token: a guarded update that succeeds for exactly one caller while the token is unused, unexpired
 * and of `purpose`. False when someone else used it first (or it ran out meanwhile).
 */
export async function consumeAccountToken(
  db: AuthDb,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.tokenHash, tokenHash),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, now),
      ),
    )
    .returning({ tokenHash: accountTokens.tokenHash });
  return rows.length === 1;
}

/** Marks the user's address verified unless it already is; returns the row when it changed. */
export async function markEmailVerified(
  db: AuthDb,
  userId: string,
  email: string,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: now, updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.emailVerifiedAt)))
    .returning();
  return row;
}

/** Deletes tokens that expired or were used before `cutoff` (nothing can use them any more). */
export async function pruneAccountTokens(db: AuthDb, cutoff: Date): Promise<number> {
  const dead: SQL | undefined = or(lt(accountTokens.expiresAt, cutoff), lt(accountTokens.usedAt, cutoff));
  const rows = await db.delete(accountTokens).where(dead).returning({ tokenHash: accountTokens.tokenHash });
  return rows.length;
}

/**
 * Moves the user to a new, confirmed address (docs/adr/0028): the mail with the change link reached it.
 * Tokens mailed to the old address stop working by themselves (their address is no longer the user's).
 */
export async function setConfirmedEmail(
  db: AuthDb,
  userId: string,
  email: string,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ email, emailVerifiedAt: now, updatedAt: now })
    .where(eq(users.id, userId))
    .returning();
  return row;
}
