import type { Cache } from "@payments/cache";
import type { Logger } from "@payments/service-kit";
import type { AdminDb } from "./db/audit-queries.ts";

/** What the admin routes and the event handler work with; built once by `createApp` from its deps. */
export interface AdminCore {
  db: AdminDb;
  cache: Cache;
  logger: Logger;
  now: () => Date;
  /** Called after a transaction that wrote outbox rows committed (wakes the relay). */
  eventsCommitted: () => void;
  /** Rows per query of the CSV export (each batch is written out before the next is read). */
  csvBatchSize: number;
}
