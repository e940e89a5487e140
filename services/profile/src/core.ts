import type { Cache } from "@payments/cache";
import { type Emit, withEvents } from "@payments/events";
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
  /** Notification mail (docs/adr/0028): links start at `publicBaseUrl`; `committed` wakes the mail relay. */
  mail: { publicBaseUrl: string; committed: () => void };
}

/** The cache tag of everything cached about one user; every change to the user invalidates it. */
export function userTag(userId: string): string {
  return `user:${userId}`;
}

/**
 * `withEvents` for a change to one user's data: after the commit the user's cached reads are dropped too.
 * (A read that loaded the old row just before the commit and stores it just after can still serve it until
 * the TTL ends: the TTL bounds that race.)
 */
export async function withUserEvents<T>(
  core: ProfileCore,
  userId: string,
  work: (tx: ProfileDb, emit: Emit) => Promise<T>,
): Promise<T> {
  const result = await withEvents(core, work);
  await core.cache.invalidateTag(userTag(userId));
  return result;
}
