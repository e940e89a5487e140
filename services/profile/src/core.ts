import type { Cache } from "@payments/cache";
import type { EventEnvelope } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import type { Logger } from "@payments/service-kit";
import type { ProfileDb } from "./db/queries.ts";
import type { DeactivationPolicy } from "./domain/account.ts";

/** Producer name on every event this service emits. */
export const PRODUCER = "profile";

/** What the profile routes and the event handler work with; built once from the app's deps. */
export interface ProfileCore {
  db: ProfileDb;
  cache: Cache;
  logger: Logger;
  now: () => Date;
  policy: DeactivationPolicy;
  cacheTtlMs: number;
  /** Called after a transaction that wrote outbox rows committed (wakes the relay). */
  eventsCommitted: () => void;
}

/** The cache tag of everything cached about one user; every change to the user invalidates it. */
export function userTag(userId: string): string {
  return `user:${userId}`;
}

/**
 * Runs `work` in one transaction; events it `emit`s go to the outbox in that same transaction. After the
 * commit the relay is woken and the user's cached reads are dropped. (A read that loaded the old row just
 * before the commit and stores it just after can still serve it until the TTL ends: the TTL bounds that race.)
 */
export async function withEvents<T>(
  core: ProfileCore,
  userId: string,
  work: (tx: ProfileDb, emit: (...events: EventEnvelope[]) => void) => Promise<T>,
): Promise<T> {
  const pending: EventEnvelope[] = [];
  const result = await core.db.transaction(async (tx) => {
    const value = await work(tx, (...events) => pending.push(...events));
    await enqueueEvents(tx, pending);
    return value;
  });
  if (pending.length > 0) core.eventsCommitted();
  await core.cache.invalidateTag(userTag(userId));
  return result;
}
