import { pruneInbox } from "@payments/events";
import type { PaymentsCore } from "./core.ts";
import { pruneIdempotencyKeys } from "./db/idempotency-keys.ts";
import { resumeStuckPayments, type SettleDeps } from "./worker/settle.ts";

/** Options of {@link startMaintenance}. */
export interface MaintenanceOptions {
  core: PaymentsCore;
  settle: SettleDeps;
  /** Default once a minute. */
  intervalMs?: number;
  /** Payments untouched this long in `pending`/`processing` are picked up again (default 2 min). */
  stuckAfterMs?: number;
  /** Inbox rows are kept this long, far beyond any redelivery (default 7 days). */
  inboxRetentionMs?: number;
}

/**
 * Background housekeeping: deletes idempotency keys past their 24 h and old inbox rows, and resumes
 * payments a crashed worker left behind. One pass at a time; failures are logged and retried next tick.
 */
export function startMaintenance(opts: MaintenanceOptions): { stop(): Promise<void> } {
  const { core } = opts;
  let running: Promise<void> | undefined;
  const pass = async () => {
    const keys = await pruneIdempotencyKeys(core.db, core.now());
    await pruneInbox(core.db, opts.inboxRetentionMs ?? 7 * 24 * 3600_000);
    const resumed = await resumeStuckPayments(core, opts.settle, opts.stuckAfterMs ?? 120_000);
    if (keys > 0 || resumed > 0) core.logger.info({ expired_keys: keys, resumed }, "payments maintenance");
  };
  const timer = setInterval(() => {
    if (running) return;
    running = pass()
      .catch((err: unknown) => core.logger.warn({ err }, "payments maintenance failed"))
      .finally(() => {
        running = undefined;
      });
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
