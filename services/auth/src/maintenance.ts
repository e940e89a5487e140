import type { Logger } from "@payments/service-kit";
import { pruneAccountTokens } from "./db/account-token-queries.ts";
import { type AuthDb, pruneEndedSessions } from "./db/queries.ts";
import { pruneChallenges } from "./db/two-factor-queries.ts";
import type { KeyStore } from "./keys/keys.ts";

/** Options of {@link startMaintenance}. */
export interface MaintenanceOptions {
  db: AuthDb;
  keys: KeyStore;
  logger: Pick<Logger, "info" | "warn">;
  now: () => Date;
  /** Rotate the signing key once it is this old. */
  keyMaxAgeMs: number;
  /** Keep ended sessions this long (device history), then delete them and their tokens. */
  sessionRetentionMs: number;
  idleMs: number;
  /** How often to check (default hourly). */
  intervalMs?: number;
}

/**
 * Background upkeep of one auth instance: rotates the signing key when due (instances coordinate through
 * an advisory lock, so only one rotates) and prunes long-ended sessions. Failures are logged and retried
 * at the next tick; a database that is down must not crash the service.
 */
export function startMaintenance(opts: MaintenanceOptions): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      try {
        const kid = await opts.keys.rotateIfOlderThan(opts.keyMaxAgeMs);
        if (kid) opts.logger.info({ kid }, "signing key rotated");
        const cutoff = new Date(opts.now().getTime() - opts.sessionRetentionMs);
        const pruned = await pruneEndedSessions(opts.db, cutoff, opts.idleMs);
        if (pruned > 0) opts.logger.info({ pruned }, "ended sessions pruned");
        // Login challenges live minutes; an hour past expiry nothing can still be answering one.
        await pruneChallenges(opts.db, new Date(opts.now().getTime() - 3600_000));
        // Mailed tokens a day past their end or use can do nothing (docs/adr/0017).
        await pruneAccountTokens(opts.db, new Date(opts.now().getTime() - 24 * 3600_000));
      } catch (err) {
        opts.logger.warn({ err }, "auth maintenance failed; retrying at the next tick");
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(tick, opts.intervalMs ?? 3600_000);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
