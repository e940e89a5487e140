import {
  type Database,
  type DatabaseHandle,
  DEFAULT_POOL_SIZE,
  type OpenDatabaseOptions,
  openDatabase,
} from "@payments/db";
import type { HealthProbe, Shutdown } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type { LoggerLike } from "../bus/index.ts";
import { type EventPublisher, type OutboxRelay, startOutboxRelay } from "../outbox/index.ts";

/** What a data service takes from the process it runs in (the platform's `SharedInfra` is one). */
export interface DataServiceInfra {
  /** Where the outbox relay publishes. */
  bus: EventPublisher;
  shutdown: Pick<Shutdown, "add">;
  /**
   * Settles when the process serves (every service of it listening); the relay starts after it, so a
   * backlog is drained by a process that already answers. Absent: the relay starts at once.
   */
  ready?: PromiseLike<unknown>;
  /** Postgres settings of an embedded database over its defaults (the platform's `EMBEDDED_DB_SETTINGS`). */
  embeddedDatabaseSettings?: Readonly<Record<string, string>>;
}

/** Options of {@link startDataService}: the database's, plus where its events go and its metrics. */
export interface DataServiceOptions<TSchema extends Record<string, unknown>>
  extends OpenDatabaseOptions<TSchema> {
  infra: DataServiceInfra;
  logger: LoggerLike;
  /** Where the relay's and the database's metrics go (the service's own registry). */
  registry?: Registry;
}

/** A service's database, migrated, with the outbox relay that publishes what it commits. */
export interface DataService<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  /**
   * `pglite`: the embedded database, one connection shared by everything in the process (a consumer's
   * parallelism only queues on it); `postgres`: a pool.
   */
  kind: DatabaseHandle<TSchema>["kind"];
  /** The database's readiness probe (critical: the service cannot serve without it). */
  probe: HealthProbe;
  /** Settles when migrations are applied (see {@link DatabaseHandle.migrated}). */
  migrated: DatabaseHandle<TSchema>["migrated"];
  relay: OutboxRelay;
  /**
   * Deliveries a consumer of this service should handle at once: at most half the pool (4 on PGlite), so
   * the requests and the readiness probe always find a connection. With the bus's default of 100, a
   * backlog after an outage held every connection, mostly waiting on the same hot rows (totals, fee
   * accounts), and the service's readiness timed out while it was working (stack fault test).
   */
  consumerPrefetch: number;
  /** Wakes the relay: what the service's app calls after committing outbox rows. */
  eventsCommitted: () => void;
}

/**
 * The relay on the embedded PGlite: its statements run on the process's only thread (WASM), so a pass of
 * 1,000 rows holds every request and health probe of the process for its whole length. Small batches with a
 * pause between them keep the platform answering while a backlog drains (docs/operations.md, "Starting on
 * a full outbox").
 */
const EMBEDDED_RELAY = { batchSize: 50, backlogPauseMs: 50 } as const;

/**
 * PGlite's one connection runs one transaction at a time: a hundred deliveries in flight (the bus's
 * default) only queue there, ahead of every request and health probe, and measured 3.4× slower than one at
 * a time in admin (2,441 seeded events: 66 s against 19 s). A few keep the next event's parsing overlapped
 * with the current transaction.
 */
const EMBEDDED_PREFETCH = 4;

/**
 * The start every service that owns a database shares (the "service defaults" of .NET Aspire's eShop):
 * opens and migrates the database, starts the outbox relay on it, and registers both with the shutdown.
 * The database is registered first so that it closes last (closers run in reverse): the relay's pass in
 * progress finishes on open connections, and nothing is left half-published.
 */
export async function startDataService<TSchema extends Record<string, unknown>>(
  opts: DataServiceOptions<TSchema>,
): Promise<DataService<TSchema>> {
  const { infra, ...database } = opts;
  const { service, logger, registry, tracer } = opts;
  // The registry and tracer serve the database too: statement durations and spans are the service's.
  const handle = await openDatabase({
    ...database,
    embeddedSettings: database.embeddedSettings ?? infra.embeddedDatabaseSettings,
  });
  infra.shutdown.add(`${service} database`, () => handle.close());
  const relay = startOutboxRelay({
    ...(handle.kind === "pglite" ? EMBEDDED_RELAY : {}),
    db: handle.db,
    bus: infra.bus,
    logger,
    registry,
    service,
    tracer,
    ...(infra.ready ? { startAfter: infra.ready } : {}),
  });
  infra.shutdown.add(`${service} outbox relay`, () => relay.stop());
  return {
    db: handle.db,
    kind: handle.kind,
    probe: handle.probe,
    migrated: handle.migrated,
    relay,
    consumerPrefetch:
      handle.kind === "pglite"
        ? EMBEDDED_PREFETCH
        : Math.max(1, Math.floor((database.poolSize ?? DEFAULT_POOL_SIZE) / 2)),
    eventsCommitted: () => relay.wake(),
  };
}

/** A service's config, as every one names its database settings: `<SERVICE>_DATABASE_URL` and so on. */
export type DatabaseConfig<S extends string> = {
  readonly [K in `${Uppercase<S>}_DATABASE_URL`]?: string | undefined;
} & { readonly [K in `${Uppercase<S>}_DATA_DIR`]?: string | undefined } & {
  readonly [K in `${Uppercase<S>}_DB_POOL_SIZE`]?: number | undefined;
};

/**
 * The database part of {@link startDataService}'s options, read from `config` by the naming convention
 * (`PAYMENTS_DATABASE_URL`, `PAYMENTS_DATA_DIR`, `PAYMENTS_DB_POOL_SIZE`), so a service's start names only
 * what is its own: the migrations and the schema.
 */
export function databaseSettings<S extends string>(
  service: S,
  config: DatabaseConfig<S>,
): Pick<OpenDatabaseOptions<Record<string, unknown>>, "service" | "url" | "dataDir" | "poolSize"> {
  // The mapped type above guarantees these keys' types; indexing by a computed name needs the plain view.
  const values = config as Readonly<Record<string, string | number | undefined>>;
  const prefix = service.toUpperCase();
  const text = (key: string) => {
    const value = values[`${prefix}_${key}`];
    return typeof value === "string" ? value : undefined;
  };
  const poolSize = values[`${prefix}_DB_POOL_SIZE`];
  return {
    service,
    url: text("DATABASE_URL"),
    dataDir: text("DATA_DIR"),
    poolSize: typeof poolSize === "number" ? poolSize : undefined,
  };
}
