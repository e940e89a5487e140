import type { Cache } from "@payments/cache";
import type { Database } from "@payments/db";
import type { Logger } from "@payments/service-kit";
import type { PaymentRow, PaymentsSchema } from "./db/schema.ts";
import type { PaymentMetrics } from "./metrics.ts";
import type { PolicyHolder } from "./policy.ts";

/** The payments database, whichever driver is behind it. */
export type PaymentsDb = Database<PaymentsSchema>;

/** What the use cases (routes, worker, event handlers, seed) share. */
export interface PaymentsCore {
  db: PaymentsDb;
  cache: Cache;
  logger: Logger;
  metrics: PaymentMetrics;
  /** Currencies and amount limits a payment must respect (admin's system configuration). */
  policy: PolicyHolder;
  now: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  eventsCommitted: () => void;
}

/**
 * Cache key of one payment's detail, its only cached view: a transition deletes this key (one UNLINK for a
 * whole batch of payments), which costs far less than a tag whose set would only ever hold this one key.
 */
export const paymentKey = (id: string): string => `payment:${id}`;
/** Cache tag of everything cached for one user (their list pages). */
export const userTag = (id: string): string => `user:${id}`;

/** How long a payment detail may be served from the cache (invalidation normally ends it sooner). */
export const PAYMENT_TTL_MS = 60_000;
/** How long a list page may be served from the cache. */
export const LIST_TTL_MS = 30_000;
/** Reports are aggregates over many rows: cached briefly and never invalidated one by one. */
export const REPORT_TTL_MS = 10_000;

/** What one committed change makes stale: payment detail keys, and user tags (list pages). */
interface Stale {
  keys: Set<string>;
  tags: Set<string>;
}

/**
 * Cache invalidation, coalesced: every key and tag named during one turn of the event loop is invalidated
 * once, in one batch that starts after all of them were named (so after each caller's commit), and the
 * callers wait for that batch. Under load the same user tags are named by hundreds of transitions a second:
 * two round trips per batch (one for all its payment details, one for all its user tags) instead of two or
 * more per transition. One pass is enough: a reader that loaded a row just before a commit cannot write its
 * stale copy back after this invalidation, because `Cache.wrap` refuses to store a load that an
 * invalidation of its key or tags overtook (docs/adr/0035).
 */
type Invalidator = (stale: Stale) => Promise<void>;

function createInvalidator(cache: Cache): Invalidator {
  let open: { stale: Stale; done: Promise<void> } | undefined;
  // The cache logs and swallows its own failures: this never rejects.
  const run = async ({ keys, tags }: Stale) => {
    await Promise.all([cache.del(...keys), cache.invalidateTag(...tags)]);
  };
  return (stale) => {
    let batch = open;
    if (!batch) {
      const pending: Stale = { keys: new Set(), tags: new Set() };
      const done = new Promise<void>((resolve) => {
        setImmediate(() => {
          if (open?.stale === pending) open = undefined;
          void run(pending).then(resolve);
        });
      });
      batch = open = { stale: pending, done };
    }
    for (const key of stale.keys) batch.stale.keys.add(key);
    for (const tag of stale.tags) batch.stale.tags.add(tag);
    return batch.done;
  };
}

const invalidators = new WeakMap<Cache, Invalidator>();

function invalidatorOf(cache: Cache): Invalidator {
  let invalidator = invalidators.get(cache);
  if (!invalidator) {
    invalidator = createInvalidator(cache);
    invalidators.set(cache, invalidator);
  }
  return invalidator;
}

/**
 * What must follow every committed change of payments: invalidate their cached views (detail, and the
 * payer's and payee's lists) and wake the outbox relay. Called in the same code path as the transition,
 * right after its commit.
 */
export async function afterCommit(
  core: PaymentsCore,
  changed: readonly Pick<PaymentRow, "id" | "payerId" | "payeeId">[],
  opts: { created?: boolean } = {},
): Promise<void> {
  core.eventsCommitted();
  const stale: Stale = { keys: new Set(), tags: new Set() };
  for (const p of changed) {
    // A payment just created cannot have a cached detail (unknown ids are never cached); lists can.
    if (!opts.created) stale.keys.add(paymentKey(p.id));
    stale.tags.add(userTag(p.payerId));
    stale.tags.add(userTag(p.payeeId));
  }
  if (stale.tags.size === 0) return;
  await invalidatorOf(core.cache)(stale);
}
