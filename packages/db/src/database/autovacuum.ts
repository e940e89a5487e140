import type { PGlite } from "@electric-sql/pglite";
import { describeError } from "./errors.ts";
import type { LoggerLike } from "./types.ts";

/**
 * Postgres's autovacuum rule, with its default settings: a table is vacuumed once its dead rows exceed
 * `autovacuum_vacuum_threshold` (50) + `autovacuum_vacuum_scale_factor` (0.2) × its live rows, and analyzed
 * once its changes since the last analyze exceed 50 + 0.1 × its live rows. `%I` quotes the names.
 */
const DUE = `
SELECT format('%I.%I', schemaname, relname) AS name,
  n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum,
  n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyze
FROM pg_stat_user_tables
WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup
ORDER BY n_dead_tup DESC`;

interface DueRow {
  name: string;
  vacuum: boolean;
  analyze: boolean;
}

/** The embedded database's stand-in for autovacuum. */
export interface EmbeddedAutovacuum {
  /** One pass: vacuums and analyzes the tables that are due; resolves with their names. */
  runOnce(): Promise<string[]>;
  /** Stops the timer and waits for a pass in progress (the client must not close under a VACUUM). */
  stop(): Promise<void>;
}

/**
 * PGlite runs Postgres in single-user mode: there is no autovacuum launcher, although `SHOW autovacuum`
 * says `on`. Without one, every update and delete leaves its dead row for good — the payments table (each
 * transition rewrites the row), the outbox (each row is rewritten when sent, deleted after retention), the
 * inbox and idempotency keys (pruned) — so a long-running `bun run start` or `bun run dev` grows its data
 * directory and slows down. This applies autovacuum's own rule every `intervalMs` (its default naptime is
 * one minute). PGlite runs one statement at a time: a pass holds other queries back while it runs, which at
 * the embedded default's sizes is milliseconds. `intervalMs` 0 turns the timer off (`runOnce` still works).
 */
export function startEmbeddedAutovacuum(
  client: PGlite,
  opts: { service: string; logger: LoggerLike; intervalMs: number },
): EmbeddedAutovacuum {
  let running: Promise<string[]> | undefined;

  async function pass(): Promise<string[]> {
    const { rows } = await client.query<DueRow>(DUE);
    for (const row of rows) {
      const what = row.vacuum ? "VACUUM (ANALYZE)" : "ANALYZE";
      await client.exec(`${what} ${row.name}`);
    }
    if (rows.length > 0) {
      opts.logger.debug({ service: opts.service, tables: rows.map((r) => r.name) }, "embedded autovacuum");
    }
    return rows.map((r) => r.name);
  }

  function runOnce(): Promise<string[]> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer =
    opts.intervalMs > 0
      ? setInterval(() => {
          if (running || client.closed) return;
          runOnce().catch((error: unknown) => {
            opts.logger.warn(
              { service: opts.service, err: describeError(error) },
              `${opts.service}: embedded autovacuum pass failed; retried at the next interval`,
            );
          });
        }, opts.intervalMs)
      : undefined;
  // A timer must not keep a process (or a test runner) alive on its own.
  timer?.unref();

  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
