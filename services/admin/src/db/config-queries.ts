import { and, asc, desc, gt, lt, sql } from "drizzle-orm";
import type { AdminDb, Page } from "./audit-queries.ts";
import { type ConfigVersionRow, configVersions } from "./schema.ts";

/** Transaction-scoped advisory lock: config changes (from any admin instance) happen one at a time. */
const CONFIG_LOCK = sql`pg_advisory_xact_lock(4187302215938450117)`;

/** The current (highest) configuration version, or undefined before the first change. */
export async function currentConfigVersion(db: AdminDb): Promise<ConfigVersionRow | undefined> {
  const [row] = await db.select().from(configVersions).orderBy(desc(configVersions.version)).limit(1);
  return row;
}

/** Serialises config changes for the rest of the transaction. */
export async function lockConfig(tx: AdminDb): Promise<void> {
  await tx.execute(sql`SELECT ${CONFIG_LOCK}`);
}

/** Stores a new version. */
export async function insertConfigVersion(tx: AdminDb, row: ConfigVersionRow): Promise<void> {
  await tx.insert(configVersions).values(row);
}

/** Versions newest first; cursors are version numbers. */
export async function listConfigVersions(
  db: AdminDb,
  page: { limit: number; startingAfter?: number | undefined; endingBefore?: number | undefined },
): Promise<Page<ConfigVersionRow>> {
  const backwards = page.endingBefore !== undefined;
  const cursor = backwards
    ? gt(configVersions.version, page.endingBefore ?? 0)
    : page.startingAfter !== undefined
      ? lt(configVersions.version, page.startingAfter)
      : undefined;
  const rows = await db
    .select()
    .from(configVersions)
    .where(and(cursor))
    .orderBy(backwards ? asc(configVersions.version) : desc(configVersions.version))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return { data: backwards ? data.reverse() : data, hasMore };
}
