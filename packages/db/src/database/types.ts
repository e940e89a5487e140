import type { Tracer } from "@opentelemetry/api";
import type { HealthProbe } from "@payments/service-kit";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/**
 * A drizzle database that works the same whichever driver is behind it (postgres.js or PGlite). Services
 * write their queries against this type so one code path serves both modes.
 */
export type Database<TSchema extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

/** Which adapter is behind a handle: the real server or the embedded default. */
export type DatabaseKind = "postgres" | "pglite";

/** The subset of a pino logger this package writes to; any pino `Logger` satisfies it. */
export type LoggerLike = Pick<Logger, "info" | "warn" | "error" | "debug">;

/** An open database: the drizzle instance, its readiness probe, and how to release it. */
export interface DatabaseHandle<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  db: Database<TSchema>;
  kind: DatabaseKind;
  /** `SELECT 1` with a timeout; critical, because a service without its database cannot serve. */
  probe: HealthProbe;
  /**
   * Settles once this process has applied the migrations. Already resolved when `openDatabase` returns,
   * except when Postgres was unreachable at start: then migrations are retried in the background and this
   * resolves when they succeed (or rejects if they fail for a reason other than the server being down).
   */
  migrated: Promise<void>;
  /** Stops background work and closes every connection. Safe to call more than once. */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions<TSchema extends Record<string, unknown>> {
  /** Service name, e.g. "payments": names the env variable, the default data dir and errors. */
  service: string;
  /** `<SERVICE>_DATABASE_URL`: when set, postgres.js connects to it; when absent, PGlite is used. */
  url?: string | undefined;
  /**
   * PGlite data directory; default `.data/<service>` under the working directory, created when missing
   * (PGlite needs it to exist). `memory://` keeps the database in memory (tests).
   */
  dataDir?: string | undefined;
  /** The service's drizzle-kit output folder (holds `meta/_journal.json`). */
  migrationsFolder: string;
  schema: TSchema;
  logger: LoggerLike;
  /** Maximum postgres.js connections in the pool (default 10). Ignored for PGlite. */
  poolSize?: number | undefined;
  /**
   * PGlite only: how often the embedded stand-in for autovacuum runs, e.g. 60_000 (autovacuum's naptime);
   * default 0 = never (ADR 0012). Postgres servers run their own autovacuum.
   */
  embeddedVacuumIntervalMs?: number | undefined;
  /**
   * PGlite only: Postgres settings over {@link EMBEDDED_POSTGRES_SETTINGS} (`{ shared_buffers: "128MB" }`),
   * passed as start parameters. Ignored for a server, which has its own postgresql.conf.
   */
  embeddedSettings?: Readonly<Record<string, string>> | undefined;
  /**
   * The service's tracer, for a span per statement (and per transaction) under the active span; default the
   * service tracer the active context carries (the kit's request middleware sets it). Statements outside any
   * trace get no span.
   */
  tracer?: Tracer | undefined;
  /** The service's registry, for `db_query_duration_seconds{statement}`; no histogram when omitted. */
  registry?: Registry | undefined;
}
