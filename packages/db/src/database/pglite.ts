import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { instrumentPglite, instrumentsOf } from "../instrument/index.ts";
import { startEmbeddedAutovacuum } from "./autovacuum.ts";
import { holdCollector } from "./collector.ts";
import { databaseUrlVariable, describeError } from "./errors.ts";
import { createDatabaseProbe } from "./probe.ts";
import type { DatabaseHandle, OpenDatabaseOptions } from "./types.ts";

/**
 * Off by default (ADR 0012): in one 30-minute soak each, the platform's RSS drifted 204 MB/h with the
 * stand-in every 60 s against 102 MB/h without (PGlite's WASM memory grows and is never returned), so dead
 * rows on disk are the lesser cost until that is understood. Pass `embeddedVacuumIntervalMs` to turn it on.
 */
const DEFAULT_VACUUM_INTERVAL_MS = 0;

/**
 * Postgres settings of every embedded database (ADR 0025). PGlite's own are a server's: 128 MB of shared
 * buffers, which Emscripten's mmap zero-fills (so every page is resident from the start) and the WASM
 * memory never returns. Four services held ~190 MB each idle, ~760 MB of the platform's ~850 MB. A service's
 * embedded data is tens of MB and its files sit in the OS page cache besides, so a small pool serves it: a
 * miss is a read from that cache, not a disk seek. 8 MB (ADR 0045) holds the platform ~35 MB lower under the
 * soak's load than 16 MB did. maintenance_work_mem bounds what a migration's CREATE INDEX or a VACUUM may
 * grow the WASM memory to.
 */
export const EMBEDDED_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "8MB",
  maintenance_work_mem: "16MB",
};

/** PGlite's start parameters with `settings` as `-c name=value` after its defaults (later ones win). */
export function pgliteStartParams(settings: Readonly<Record<string, string>>): string[] {
  const defaults = (PGlite as unknown as { defaultStartParams?: readonly string[] }).defaultStartParams ?? [];
  return [...defaults, ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
}

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
    client = await PGlite.create(isVirtual ? dataDir : resolve(dataDir), {
      startParams: pgliteStartParams({ ...EMBEDDED_POSTGRES_SETTINGS, ...opts.embeddedSettings }),
    });
  } catch (error) {
    throw new Error(`${service}: cannot start embedded PGlite in ${dataDir}: ${describeError(error)}`, {
      cause: error,
    });
  }

  // Every statement through drizzle is timed and traced; the autovacuum stand-in keeps the bare client.
  const db = drizzle({ client: instrumentPglite(client, instrumentsOf(opts, service)), schema: opts.schema });
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

  const releaseCollector = holdCollector();

  return {
    db,
    kind: "pglite",
    probe: createDatabaseProbe("pglite", db),
    migrated: Promise.resolve(),
    close: async () => {
      await autovacuum.stop();
      releaseCollector();
      if (!client.closed) await client.close();
    },
  };
}
