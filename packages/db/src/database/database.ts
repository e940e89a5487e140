import { readMigrationFiles } from "drizzle-orm/migrator";
import { describeError } from "./errors.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./types.ts";

/**
 * Opens a service's database and applies its drizzle-kit migrations before returning.
 *
 * With `url` it connects to Postgres through postgres.js (a pool of `poolSize`); migrations run on a
 * separate single-connection client under an advisory lock, so several processes of one service can start
 * at once. Without `url` it starts the embedded PGlite in `dataDir` and logs that this is not for
 * production.
 *
 * Throws (naming the service) when the URL is malformed, the migrations folder is unreadable, or a
 * migration fails. An unreachable Postgres does not throw: the handle's probe reports down and migrations
 * are retried until the server answers (see {@link DatabaseHandle.migrated}).
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  opts: OpenDatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  // Read the migrations first: a missing folder is a build mistake and must fail before any connection.
  try {
    readMigrationFiles({ migrationsFolder: opts.migrationsFolder });
  } catch (error) {
    throw new Error(
      `${opts.service}: cannot read database migrations in ${opts.migrationsFolder}: ${describeError(error)}`,
      { cause: error },
    );
  }
  return opts.url === undefined ? openPglite(opts) : openPostgres({ ...opts, url: opts.url });
}
