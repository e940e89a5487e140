import type { Id } from "@payments/contracts";
import type { Database } from "@payments/db";
import { and, asc, desc, eq, gt, gte, lt, type SQL, sql } from "drizzle-orm";
import { type AdminSchema, type AuditRow, auditLog } from "./schema.ts";

/** The admin database (or a transaction on it). */
export type AdminDb = Database<AdminSchema>;

/** Filters of the audit log; all optional, combined with AND. */
export interface AuditFilter {
  /** Event type prefix: `payment.` matches every payment event, `payment.failed` just that one. */
  typePrefix?: string | undefined;
  subject?: string | undefined;
  actorId?: string | undefined;
  traceId?: string | undefined;
  /** `occurred_at >= from`. */
  from?: Date | undefined;
  /** `occurred_at < to`. */
  to?: Date | undefined;
}

/** Cursor page request (ARCHITECTURE §3): newest first; cursors are audit ids. */
export interface PageRequest {
  limit: number;
  startingAfter?: Id<"aud"> | undefined;
  endingBefore?: Id<"aud"> | undefined;
}

/** A page of rows and whether more exist in the direction of travel. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** Inserts an audit row; false when the event is already in the log (its id is unique). */
export async function insertAuditRow(db: AdminDb, row: typeof auditLog.$inferInsert): Promise<boolean> {
  const inserted = await db
    .insert(auditLog)
    .values(row)
    .onConflictDoNothing({ target: auditLog.eventId })
    .returning({ id: auditLog.id });
  return inserted.length > 0;
}

/** Escapes LIKE wildcards so `user_` matches an underscore, not any character. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.typePrefix) where.push(sql`${auditLog.type} LIKE ${likePrefix(filter.typePrefix)}`);
  if (filter.subject) where.push(eq(auditLog.subject, filter.subject));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.traceId) where.push(eq(auditLog.traceId, filter.traceId));
  if (filter.from) where.push(gte(auditLog.occurredAt, filter.from));
  if (filter.to) where.push(lt(auditLog.occurredAt, filter.to));
  return where;
}

/**
 * A page of the audit log, newest first. `endingBefore` walks backwards (ascending from the cursor) and the
 * page is reversed, so both directions return newest first.
 */
export async function listAuditLog(
  db: AdminDb,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditRow>> {
  const backwards = page.endingBefore !== undefined;
  const cursor =
    page.endingBefore !== undefined
      ? gt(auditLog.id, page.endingBefore)
      : page.startingAfter !== undefined
        ? lt(auditLog.id, page.startingAfter)
        : undefined;
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions(filter), cursor))
    .orderBy(backwards ? asc(auditLog.id) : desc(auditLog.id))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return { data: backwards ? data.reverse() : data, hasMore };
}

/** The next `limit` rows matching `filter` older than the audit id `before` (newest first): one export batch. */
export function auditBatch(
  db: AdminDb,
  filter: AuditFilter,
  before: Id<"aud"> | undefined,
  limit: number,
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions(filter), before === undefined ? undefined : lt(auditLog.id, before)))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

/** Distinct users who caused an event since `since` (the dashboard's "active users"). */
export async function countActiveActors(db: AdminDb, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(DISTINCT ${auditLog.actorId})::int` })
    .from(auditLog)
    .where(gte(auditLog.occurredAt, since));
  return row?.n ?? 0;
}
