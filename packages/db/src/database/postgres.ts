import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { instrumentPostgresJs, instrumentsOf } from "../instrument/index.ts";
import { databaseUrlVariable, describeError, isUnavailableError } from "./errors.ts";
import { createDatabaseProbe } from "./probe.ts";
import type { DatabaseHandle, LoggerLike, OpenDatabaseOptions } from "./types.ts";

/**
 * Advisory lock held while migrating. Advisory locks are scoped to one database, so one constant serves
 * every service; it serialises processes of the same service that start together, which drizzle's
 * migrator alone does not (two racing `CREATE SCHEMA IF NOT EXISTS` / migrations can collide).
 */
const MIGRATION_LOCK_KEY = 7_201_405_233;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * Seconds before a pool connection reconnects after a failed attempt. postgres.js's default grows to 20 s
 * and every query waits for it, so after an outage requests kept hanging long after Postgres was back;
 * capped at 1 s, requests fail fast (→ 503) while it is down and succeed within a second of its return.
 */
export function reconnectBackoffSeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2);
}

/** Connections in a service's pool when it names no `poolSize`. */
export const DEFAULT_POOL_SIZE = 10;

/** A connection attempt that gets no answer at all (host unreachable) fails after this, not 30 s. */
const CONNECT_TIMEOUT_SECONDS = 5;

type Notice = (notice: postgres.Notice) => void;

/** Throws a readable error (without echoing the URL, which may hold a password) unless it is postgres://. */
export function assertPostgresUrl(url: string, service: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(`${service}: ${databaseUrlVariable(service)} is not a valid URL (expected postgres://…)`);
  }
  if (protocol !== "postgres:" && protocol !== "postgresql:") {
    throw new Error(
      `${service}: ${databaseUrlVariable(service)} must be a postgres:// or postgresql:// URL, got ${protocol}//`,
    );
  }
}

/** The database a URL names (`db.namespace` of its spans). */
function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/** Applies migrations on a dedicated one-connection client, under the advisory lock, then closes it. */
async function applyMigrations(url: string, migrationsFolder: string, onnotice: Notice): Promise<void> {
  const client = postgres(url, { max: 1, onnotice });
  try {
    // Session-level lock: released explicitly, or by Postgres when this connection ends for any reason.
    await client.unsafe(`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await migrate(drizzle({ client }), { migrationsFolder });
    await client.unsafe(`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  } finally {
    await client.end({ timeout: 5 });
  }
}

interface RetryContext {
  service: string;
  logger: LoggerLike;
  attempt: () => Promise<void>;
  setBlocker: (reason: string | undefined) => void;
}

/** Background migration retries: `done` settles when they apply or fail for good; `stop` abandons them. */
interface MigrationRetry {
  done: Promise<void>;
  stop: () => void;
}

/** Retries migrations with capped exponential backoff until they apply, fail for good, or are stopped. */
function retryMigrations(ctx: RetryContext): MigrationRetry {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let rejectDone: (error: Error) => void = () => {};
  const stoppedError = () => new Error(`${ctx.service}: database closed before migrations were applied`);
  const done = new Promise<void>((resolve, reject) => {
    rejectDone = reject;
    let delay = FIRST_RETRY_MS;
    const tick = async (): Promise<void> => {
      try {
        await ctx.attempt();
        ctx.setBlocker(undefined);
        ctx.logger.info({ service: ctx.service }, `${ctx.service}: Postgres reachable, migrations applied`);
        resolve();
      } catch (error) {
        if (stopped) return reject(stoppedError());
        if (!isUnavailableError(error)) {
          const reason = `${ctx.service}: database migrations failed: ${describeError(error)}`;
          ctx.setBlocker(reason);
          ctx.logger.error({ service: ctx.service }, reason);
          return reject(new Error(reason, { cause: error }));
        }
        ctx.setBlocker(
          `${ctx.service}: Postgres unreachable, migrations not applied: ${describeError(error)}`,
        );
        ctx.logger.debug({ service: ctx.service, err: describeError(error), retryInMs: delay }, "retrying");
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        timer = setTimeout(tick, delay);
      }
    };
    timer = setTimeout(tick, delay);
  });
  // Callers may ignore `done`; a failure is already logged and reported by the probe.
  done.catch(() => {});
  return {
    done,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      rejectDone(stoppedError());
    },
  };
}

/** Opens a postgres.js pool for a service and applies its migrations (retrying while Postgres is down). */
export async function openPostgres<TSchema extends Record<string, unknown>>(
  opts: OpenDatabaseOptions<TSchema> & { url: string },
): Promise<DatabaseHandle<TSchema>> {
  const { service, logger, url } = opts;
  assertPostgresUrl(url, service);
  const onnotice: Notice = (notice) => logger.debug({ service, notice: notice.message }, "postgres notice");
  // Every statement of the pool is timed and traced; the migration client above is not (start-up only).
  const client = instrumentPostgresJs(
    postgres(url, {
      max: opts.poolSize ?? DEFAULT_POOL_SIZE,
      onnotice,
      connection: { application_name: service },
      backoff: reconnectBackoffSeconds,
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
    }),
    instrumentsOf(opts, databaseName(url)),
  );
  const db = drizzle({ client, schema: opts.schema });

  let closing: Promise<void> | undefined;
  let blocker: string | undefined;
  let retry: MigrationRetry | undefined;
  const attempt = () => applyMigrations(url, opts.migrationsFolder, onnotice);

  try {
    await attempt();
    logger.info({ service }, `${service}: Postgres database ready, migrations applied`);
  } catch (error) {
    if (!isUnavailableError(error)) {
      await client.end({ timeout: 1 });
      throw new Error(`${service}: database migrations failed: ${describeError(error)}`, { cause: error });
    }
    // Down at start: keep running so /health/ready can say so, and catch up when Postgres returns.
    blocker = `${service}: Postgres unreachable, migrations not applied: ${describeError(error)}`;
    logger.error({ service }, `${blocker}; retrying in the background`);
    retry = retryMigrations({
      service,
      logger,
      attempt,
      setBlocker: (reason) => {
        blocker = reason;
      },
    });
  }

  return {
    db,
    kind: "postgres",
    probe: createDatabaseProbe("postgres", db, () => blocker),
    migrated: retry?.done ?? Promise.resolve(),
    close: () => {
      // A resolved promise ignores the rejection `stop` would add, so this is safe after success too.
      retry?.stop();
      closing ??= client.end({ timeout: 5 });
      return closing;
    },
  };
}
