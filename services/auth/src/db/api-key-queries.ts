import { and, count, desc, eq, gt, isNull, lt, type SQL } from "drizzle-orm";
import { type ApiKeyRow, apiKeys } from "./api-key-schema.ts";
import type { AuthDb } from "./queries.ts";

/** Inserts a key. */
export async function insertApiKey(db: AuthDb, row: ApiKeyRow): Promise<void> {
  await db.insert(apiKeys).values(row);
}

/** How many unrevoked keys a user holds. */
export async function countLiveApiKeys(db: AuthDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
  return row?.n ?? 0;
}

/** A page of a user's keys, newest first, one extra row to tell whether there are more. */
export async function listApiKeys(
  db: AuthDb,
  args: { userId: string; limit: number; startingAfter?: string; endingBefore?: string },
): Promise<ApiKeyRow[]> {
  const where: SQL[] = [eq(apiKeys.userId, args.userId)];
  if (args.startingAfter) where.push(lt(apiKeys.id, args.startingAfter));
  if (args.endingBefore) where.push(gt(apiKeys.id, args.endingBefore));
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(...where))
    .orderBy(args.endingBefore ? apiKeys.id : desc(apiKeys.id))
    .limit(args.limit + 1);
  return rows;
}

/** One of a user's keys. */
export async function findUserApiKey(db: AuthDb, userId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id)));
  return row;
}

/** Marks a key revoked unless it already is; the updated row, or undefined when it was revoked already. */
export async function revokeApiKey(db: AuthDb, id: string, now: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

/** The live key with this secret hash. */
export async function findLiveApiKeyByHash(db: AuthDb, secretHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
  return row;
}

/** Records a use of the key. */
export async function touchApiKey(db: AuthDb, id: string, now: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/** The key with this id unless it was revoked. */
export async function findLiveApiKey(db: AuthDb, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return row;
}
