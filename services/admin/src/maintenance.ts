import { pruneInbox } from "@payments/events";
import type { Logger } from "@payments/service-kit";
import type { AdminDb } from "./db/audit-queries.ts";
import { pruneMinuteCounters } from "./db/dashboard-queries.ts";
import { pruneSessions } from "./db/session-queries.ts";

/** Options of {@link startMaintenance}. */
export interface MaintenanceOptions {
  db: AdminDb;
  logger: Pick<Logger, "info" | "warn">;
  now: () => Date;
  /** Minute buckets are deleted once this old (day buckets stay). */
  minuteRetentionMs: number;
  /** Inbox rows are deleted once this old (the audit log's unique event id still stops duplicates). */
  inboxRetentionMs: number;
  /** How often (default hourly). */
  intervalMs?: number;
}

/**
 * Background upkeep: prunes old minute buckets, inbox rows and ended sessions. Failures are logged and retried at the next
 * tick; a database that is down must not crash the service.
 */
export function startMaintenance(opts: MaintenanceOptions): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      try {
        const cutoff = new Date(opts.now().getTime() - opts.minuteRetentionMs);
        const pruned = await pruneMinuteCounters(opts.db, cutoff);
        if (pruned > 0) opts.logger.info({ pruned }, "old minute buckets pruned");
        await pruneInbox(opts.db, opts.inboxRetentionMs);
        // Ended sessions are kept as long as inbox rows, so a late start cannot revive a pruned end.
        await pruneSessions(opts.db, new Date(opts.now().getTime() - opts.inboxRetentionMs));
      } catch (err) {
        opts.logger.warn({ err }, "admin maintenance failed; retrying at the next tick");
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
