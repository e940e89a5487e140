import type { Tracer } from "@opentelemetry/api";
import type { EventBus, SubscribeOptions, Subscription } from "@payments/events";
import { applyLedgerEvent, LEDGER_CONSUMER, LEDGER_EVENTS } from "./actions/apply.ts";
import { reconcile } from "./actions/check.ts";
import { advancePayouts, runPayoutSchedule } from "./actions/payouts.ts";
import { releaseDueFunds } from "./actions/release.ts";
import type { LedgerCore } from "./core.ts";

/**
 * Ledger deliveries handled at once. They share the payments pool with the worker (WORKER_PREFETCH) and
 * the API, and every succeeded payment posts to the same platform fee account: more at once would only
 * wait on that row while holding connections (the bus's default of 100 did, after a broker outage).
 */
export const LEDGER_PREFETCH = 4;

/**
 * Subscribes the ledger's queue (`ledger`: `payment.succeeded`, `refund.succeeded`). Each delivery is one
 * transaction; a refund that arrives before its payment throws and is retried by the bus.
 */
export function startLedgerConsumer(opts: {
  core: LedgerCore;
  bus: EventBus;
  queue?: string;
  subscribe?: SubscribeOptions;
  tracer?: Tracer;
}): Promise<Subscription> {
  return opts.bus.subscribe(
    opts.queue ?? LEDGER_CONSUMER,
    [...LEDGER_EVENTS],
    async (event) => {
      await applyLedgerEvent(opts.core, event);
    },
    { ...opts.subscribe, tracer: opts.tracer },
  );
}

/** One pass of the ledger's periodic work: release due funds, run the daily schedule (if on), move payouts along. */
export async function ledgerTick(core: LedgerCore): Promise<void> {
  await releaseDueFunds(core);
  if (core.settings.dailyPayouts) await runPayoutSchedule(core);
  await advancePayouts(core);
}

/**
 * Runs {@link ledgerTick} every `tickMs` and the reconciliation every `reconcileMs` (its result feeds the
 * `ledger_reconciliation_*` gauges and the alert). Passes never overlap; a failed pass is logged and the
 * next one tries again.
 */
export function startLedgerTimers(
  core: LedgerCore,
  opts: { tickMs: number; reconcileMs: number },
): { stop(): void } {
  let stopped = false;
  const loop = (name: string, ms: number, work: () => Promise<unknown>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await work();
      } catch (err) {
        core.logger.warn({ err }, `ledger ${name} failed; retrying on the next pass`);
      }
      if (!stopped) {
        timer = setTimeout(run, ms);
        timer.unref?.();
      }
    };
    timer = setTimeout(run, Math.min(ms, 1_000));
    timer.unref?.();
    return () => clearTimeout(timer);
  };
  const stopTick = loop("tick", opts.tickMs, () => ledgerTick(core));
  const stopCheck = loop("reconciliation", opts.reconcileMs, () => reconcile(core));
  return {
    stop() {
      stopped = true;
      stopTick();
      stopCheck();
    },
  };
}
