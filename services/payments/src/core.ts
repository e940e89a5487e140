import type { Cache } from "@payments/cache";
import type { Database } from "@payments/db";
import type { Logger } from "@payments/service-kit";
import type { PaymentRow, PaymentsSchema } from "./db/schema.ts";
import type { PaymentMetrics } from "./metrics.ts";

/** The payments database, whichever driver is behind it. */
export type PaymentsDb = Database<PaymentsSchema>;

/** What the use cases (routes, worker, event handlers, seed) share. */
export interface PaymentsCore {
  db: PaymentsDb;
  cache: Cache;
  logger: Logger;
  metrics: PaymentMetrics;
  /** Currencies a payment may be made in. */
  currencies: readonly string[];
  now: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  eventsCommitted: () => void;
}

/** Cache tag of one payment's cached views. */
export const paymentTag = (id: string): string => `payment:${id}`;
/** Cache tag of everything cached for one user (their lists). */
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

/**
 * What must follow every committed change of payments: invalidate their cached views (detail, and the
 * payer's and payee's lists) and wake the outbox relay. Called in the same code path as the transition,
 * right after its commit.
 */
export async function afterCommit(
  core: PaymentsCore,
  changed: readonly PaymentRow[],
  opts: { created?: boolean } = {},
): Promise<void> {
  core.eventsCommitted();
  const tags = new Set<string>();
  for (const p of changed) {
    // A payment just created cannot have a cached detail (unknown ids are never cached); lists can.
    if (!opts.created) tags.add(paymentTag(p.id));
    tags.add(userTag(p.payerId));
    tags.add(userTag(p.payeeId));
  }
  if (tags.size === 0) return;
  const invalidate = () => Promise.all([...tags].map((tag) => core.cache.invalidateTag(tag)));
  await invalidate();
  setTimeout(() => void invalidate(), SECOND_INVALIDATION_MS).unref();
}
