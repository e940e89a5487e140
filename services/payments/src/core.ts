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
/**
 * A reader that loaded a row just before a transition committed may write its stale copy back just after
 * the invalidation. A second invalidation a little later removes such a copy (the "delayed double delete").
 */
const SECOND_INVALIDATION_MS = 1_000;

/** What one committed change makes stale: payment detail keys, and user tags (list pages). */
interface Stale {
  keys: Set<string>;
  tags: Set<string>;
}

/**
 * Cache invalidation, coalesced: every key and tag named during one turn of the event loop is invalidated
 * once, in one batch that starts after all of them were named (so after each caller's commit), and the
 * callers wait for that batch. Second invalidations are collected for {@link SECOND_INVALIDATION_MS} and run
 * together after another such interval, so each gets its second pass 1–2 s after its commit. Under load the
 * same user tags are named by hundreds of transitions a second: one round trip per batch instead of two
 * per transition, and one UNLINK for all the batch's payment details.
 */
interface Invalidator {
  now(stale: Stale): Promise<void>;
  later(stale: Stale): void;
}

function createInvalidator(cache: Cache): Invalidator {
  let open: { stale: Stale; done: Promise<void> } | undefined;
  let delayed: Stale | undefined;
  const add = (into: Stale, from: Stale) => {
    for (const key of from.keys) into.keys.add(key);
    for (const tag of from.tags) into.tags.add(tag);
  };
  // The cache logs and swallows its own failures: this never rejects.
  const run = async ({ keys, tags }: Stale) => {
    await Promise.all([cache.del(...keys), ...[...tags].map((tag) => cache.invalidateTag(tag))]);
  };
  return {
    now(stale) {
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
      add(batch.stale, stale);
      return batch.done;
    },
    later(stale) {
      if (!delayed) {
        const bucket: Stale = { keys: new Set(), tags: new Set() };
        delayed = bucket;
        setTimeout(() => {
          if (delayed === bucket) delayed = undefined;
          setTimeout(() => void run(bucket), SECOND_INVALIDATION_MS).unref();
        }, SECOND_INVALIDATION_MS).unref();
      }
      add(delayed, stale);
    },
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
  const invalidator = invalidatorOf(core.cache);
  await invalidator.now(stale);
  invalidator.later(stale);
}
