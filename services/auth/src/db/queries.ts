import type { Role } from "@payments/contracts";
import type { Database } from "@payments/db";
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type AuthSchema, refreshTokens, type SessionRow, sessions, type UserRow, users } from "./schema.ts";

/** The auth database (or a transaction on it). */
export type AuthDb = Database<AuthSchema>;

/** Inserts a user unless the email is taken; undefined means taken (the unique index decided, race-free). */
export async function insertUser(db: AuthDb, row: typeof users.$inferInsert): Promise<UserRow | undefined> {
  const [inserted] = await db
    .insert(users)
    .values(row)
    .onConflictDoNothing({ target: users.email })
    .returning();
  return inserted;
}

/** The user with this (normalised) email. */
export async function findUserByEmail(db: AuthDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

/** The user with this id. */
export async function findUserById(db: AuthDb, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** Replaces a user's password hash. */
export async function setPasswordHash(
  db: AuthDb,
  id: string,
  hash: string,
  now: Date,
  changed: boolean,
): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: hash, updatedAt: now, ...(changed ? { passwordChangedAt: now } : {}) })
    .where(eq(users.id, id));
}

/** Applies an admin change; returns the updated row. */
export async function updateUser(
  db: AuthDb,
  id: string,
  patch: { role?: Role; active?: boolean },
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/** Locks a user row for the rest of the transaction (admin changes of one user serialise on it). */
export async function lockUser(db: AuthDb, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for("update");
  return row;
}

/** Cursor page request (ARCHITECTURE §3): newest first, `startingAfter` / `endingBefore` are ids. */
export interface PageRequest {
  limit: number;
  startingAfter?: string | undefined;
  endingBefore?: string | undefined;
}

/** A page of rows and whether more exist in the direction of travel. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** Escapes LIKE wildcards so a search for `a_b%` matches those characters literally. */
function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Runs a newest-first cursor query on a table whose ids sort by creation (ULIDs). `endingBefore` walks
 * backwards (ascending from the cursor) and the page is reversed, so both directions return newest first.
 */
async function paginate<T extends { id: string }>(
  page: PageRequest,
  idColumn: typeof users.id | typeof sessions.id,
  run: (cursor: SQL | undefined, order: SQL, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const backwards = page.endingBefore !== undefined;
  const cursor = backwards
    ? gt(idColumn, page.endingBefore ?? "")
    : page.startingAfter !== undefined
      ? lt(idColumn, page.startingAfter)
      : undefined;
  const rows = await run(cursor, backwards ? asc(idColumn) : desc(idColumn), page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return { data: backwards ? data.reverse() : data, hasMore };
}

/** Filters of the admin user list. */
export interface UserFilter {
  /** Substring of email or name, case-insensitive. */
  query?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
}

/** Admin list of users, newest first. */
export async function listUsers(db: AuthDb, filter: UserFilter, page: PageRequest): Promise<Page<UserRow>> {
  const conditions: SQL[] = [];
  if (filter.query) {
    const pattern = likePattern(filter.query);
    const match = or(sql`${users.email} ILIKE ${pattern}`, sql`${users.name} ILIKE ${pattern}`);
    if (match) conditions.push(match);
  }
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.active !== undefined) conditions.push(eq(users.active, filter.active));
  return paginate(page, users.id, (cursor, order, limit) =>
    db
      .select()
      .from(users)
      .where(and(...conditions, cursor))
      .orderBy(order)
      .limit(limit),
  );
}

/** Creates a session with its first refresh token. */
export async function insertSession(
  db: AuthDb,
  session: typeof sessions.$inferInsert,
  tokenHash: string,
): Promise<void> {
  await db.insert(sessions).values(session);
  await db.insert(refreshTokens).values({ tokenHash, sessionId: session.id, createdAt: session.createdAt });
}

/** A refresh token as found by its hash, with its session and whether its successor was rotated too. */
export interface FoundRefreshToken {
  tokenHash: string;
  rotatedAt: Date | null;
  successorRotated: boolean;
  session: SessionRow;
}

/** Looks a refresh token up by hash. */
export async function findRefreshToken(
  db: AuthDb,
  tokenHash: string,
): Promise<FoundRefreshToken | undefined> {
  const successor = alias(refreshTokens, "successor");
  const [row] = await db
    .select({
      tokenHash: refreshTokens.tokenHash,
      rotatedAt: refreshTokens.rotatedAt,
      successorRotatedAt: successor.rotatedAt,
      session: sessions,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .leftJoin(successor, eq(successor.tokenHash, refreshTokens.replacedBy))
    .where(eq(refreshTokens.tokenHash, tokenHash));
  if (!row) return undefined;
  return {
    tokenHash: row.tokenHash,
    rotatedAt: row.rotatedAt,
    successorRotated: row.successorRotatedAt !== null,
    session: row.session,
  };
}

/**
 * Rotates a refresh token: marks it rotated only if it still is current (a guarded update, so of two
 * concurrent requests exactly one wins), inserts its successor and touches the session. False when the
 * token was rotated meanwhile; the caller then decides between a lost race and reuse.
 */
export async function rotateRefreshToken(
  db: AuthDb,
  args: { sessionId: string; oldHash: string; newHash: string; now: Date },
): Promise<boolean> {
  const won = await db
    .update(refreshTokens)
    .set({ rotatedAt: args.now, replacedBy: args.newHash })
    .where(and(eq(refreshTokens.tokenHash, args.oldHash), isNull(refreshTokens.rotatedAt)))
    .returning({ tokenHash: refreshTokens.tokenHash });
  if (won.length === 0) return false;
  await db
    .insert(refreshTokens)
    .values({ tokenHash: args.newHash, sessionId: args.sessionId, createdAt: args.now });
  await db.update(sessions).set({ lastUsedAt: args.now }).where(eq(sessions.id, args.sessionId));
  return true;
}

/**
 * Whether a sign-in with `userAgent` comes from a device new to the account (docs/adr/0028): the user has
 * sessions (live or ended, until pruned) but none from this user agent. The first sign-in is not "new".
 */
export async function isNewDevice(db: AuthDb, userId: string, userAgent: string | null): Promise<boolean> {
  const [row] = await db
    .select({
      any: sql<boolean>`bool_or(true)`,
      same: sql<boolean>`bool_or(${sessions.userAgent} IS NOT DISTINCT FROM ${userAgent})`,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId));
  return row?.any === true && row.same !== true;
}

/** The session with this id. */
export async function findSession(db: AuthDb, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** SQL condition: not revoked and not past its absolute or idle end at `now`. */
function liveAt(now: Date, idleMs: number): SQL | undefined {
  return and(
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, now),
    gt(sessions.lastUsedAt, new Date(now.getTime() - idleMs)),
  );
}

/** A user's live sessions, newest first. */
export async function listLiveSessions(
  db: AuthDb,
  userId: string,
  now: Date,
  idleMs: number,
  page: PageRequest,
): Promise<Page<SessionRow>> {
  return paginate(page, sessions.id, (cursor, order, limit) =>
    db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), liveAt(now, idleMs), cursor))
      .orderBy(order)
      .limit(limit),
  );
}

/** Which of a user's sessions to revoke. */
export type RevokeTarget = { only: readonly string[] } | { allExcept?: string };

/**
 * Revokes a user's live sessions and returns the ids that were live (the ones a `session.revoked` event
 * must name). Already revoked or expired sessions are left alone.
 */
export async function revokeSessions(
  db: AuthDb,
  args: { userId: string; target: RevokeTarget; reason: string; now: Date; idleMs: number },
): Promise<string[]> {
  const { target } = args;
  let which: SQL | undefined;
  if ("only" in target) {
    if (target.only.length === 0) return [];
    which = inArray(sessions.id, [...target.only]);
  } else if (target.allExcept !== undefined) {
    which = ne(sessions.id, target.allExcept);
  }
  const rows = await db
    .update(sessions)
    .set({ revokedAt: args.now, revokedReason: args.reason })
    .where(and(eq(sessions.userId, args.userId), liveAt(args.now, args.idleMs), which))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/**
 * Deletes sessions (and their refresh tokens) that ended before `cutoff`: revoked, or past their absolute
 * or idle end. Returns how many sessions went. Kept until then so "where was I signed in" has history.
 */
export async function pruneEndedSessions(db: AuthDb, cutoff: Date, idleMs: number): Promise<number> {
  const ended = or(
    lt(sessions.revokedAt, cutoff),
    lt(sessions.expiresAt, cutoff),
    lt(sessions.lastUsedAt, new Date(cutoff.getTime() - idleMs)),
  );
  return db.transaction(async (tx) => {
    const dead = tx.select({ id: sessions.id }).from(sessions).where(ended);
    await tx.delete(refreshTokens).where(inArray(refreshTokens.sessionId, dead));
    const removed = await tx.delete(sessions).where(ended).returning({ id: sessions.id });
    return removed.length;
  });
}
