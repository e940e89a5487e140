import type { Cache } from "@payments/cache";
import type { Database } from "@payments/db";
import type { Logger } from "@payments/service-kit";
import type { PaymentsSchema } from "./db/schema.ts";
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
 * Cache key of one payment's detail, its only cached view: a change deletes this key (one UNLINK for a whole
 * batch of payments), which costs far less than a tag whose set would only ever hold this one key, and then
 * writes the new view through (actions/cached-views.ts).
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
