import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { startEmbeddedAutovacuum } from "./autovacuum.ts";
import { databaseUrlVariable, describeError } from "./errors.ts";
import { createDatabaseProbe } from "./probe.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./types.ts";

/**
 * Off by default (ADR 0012): in one 30-minute soak each, the platform's RSS drifted 204 MB/h with the
 * stand-in every 60 s against 102 MB/h without (PGlite's WASM memory grows and is never returned), so dead
 * rows on disk are the lesser cost until that is understood. Pass `embeddedVacuumIntervalMs` to turn it on.
 */
const DEFAULT_VACUUM_INTERVAL_MS = 0;

/** PGlite data dirs that are not folders on disk (and so must not be created with mkdir). */
const VIRTUAL_DIR = /^(memory|idb|opfs-ahp):\/\//;

/** Where a service's embedded database lives when no `dataDir` is given. */
export function defaultDataDir(service: string): string {
  return join(process.cwd(), ".data", service);
}

/** Opens the embedded PGlite database of a service and applies its migrations. */
export async function openPglite<TSchema extends Record<string, unknown>>(
  opts: OpenDatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  const { service, logger } = opts;
  const dataDir = opts.dataDir ?? defaultDataDir(service);
  const isVirtual = VIRTUAL_DIR.test(dataDir);
  logger.warn(
    { service, dataDir },
    `${service}: database is the embedded PGlite default; not for production (set ${databaseUrlVariable(service)})`,
  );

  let client: PGlite;
  try {
    // PGlite refuses a data dir that does not exist yet.
    if (!isVirtual) mkdirSync(resolve(dataDir), { recursive: true });
    client = await PGlite.create(isVirtual ? dataDir : resolve(dataDir));
  } catch (error) {
    throw new Error(`${service}: cannot start embedded PGlite in ${dataDir}: ${describeError(error)}`, {
      cause: error,
    });
  }

  const db = drizzle({ client, schema: opts.schema });
  try {
    await migrate(db, { migrationsFolder: opts.migrationsFolder });
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`${service}: database migrations failed: ${describeError(error)}`, { cause: error });
  }
  logger.info({ service, dataDir }, `${service}: PGlite database ready, migrations applied`);
  const autovacuum = startEmbeddedAutovacuum(client, {
    service,
    logger,
    intervalMs: opts.embeddedVacuumIntervalMs ?? DEFAULT_VACUUM_INTERVAL_MS,
  });

  return {
    db,
    kind: "pglite",
    probe: createDatabaseProbe("pglite", db),
    migrated: Promise.resolve(),
    close: async () => {
      await autovacuum.stop();
      if (!client.closed) await client.close();
    },
  };
}
