import type { FeeSchedule } from "@payments/contracts";
import type { Logger } from "@payments/service-kit";
import { Counter, Gauge, type Registry } from "prom-client";
import type { PaymentsDb } from "../core.ts";

/** The ledger module's timing settings (env `PAYMENTS_SETTLEMENT_DELAY_S` … in `src/config.ts`). */
export interface LedgerSettings {
  /** Funds of a payment become available this long after it succeeded. */
  settlementDelayMs: number;
  /** A payout in transit arrives (is paid or fails) this long after it left. */
  payoutArrivalMs: number;
  /** Hour (UTC) of the daily scheduled payouts. */
  payoutHourUtc: number;
  /** False: no daily payouts, vendors request theirs (the e2e runs, where a schedule would race the journey). */
  dailyPayouts: boolean;
  /** Successes younger than this are not reported missing by the reconciliation (events in flight). */
  missingGraceMs: number;
}

export const DEFAULT_LEDGER_SETTINGS: LedgerSettings = {
  settlementDelayMs: 2 * 86_400_000,
  payoutArrivalMs: 86_400_000,
  payoutHourUtc: 6,
  dailyPayouts: true,
  missingGraceMs: 300_000,
};

/** The ledger's metrics; the reconciliation gauges drive the `LedgerUnbalanced` alert. */
export interface LedgerMetrics {
  entries: Counter<"source">;
  payouts: Counter<"status">;
  problems: Gauge;
  balanced: Gauge;
  lastCheck: Gauge;
}

function createLedgerMetrics(registry: Registry): LedgerMetrics {
  return {
    entries: new Counter({
      name: "ledger_entries_total",
      help: "Journal entries written, by source (payment, refund, release, payout, payout_paid, payout_failed)",
      labelNames: ["source"],
      registers: [registry],
    }),
    payouts: new Counter({
      name: "ledger_payouts_total",
      help: "Payouts that reached a state, by status",
      labelNames: ["status"],
      registers: [registry],
    }),
    problems: new Gauge({
      name: "ledger_reconciliation_problems",
      help: "Problems the last reconciliation found (0 = balanced)",
      registers: [registry],
    }),
    balanced: new Gauge({
      name: "ledger_reconciliation_balanced",
      help: "1 when the last reconciliation balanced, 0 when it did not",
      registers: [registry],
    }),
    lastCheck: new Gauge({
      name: "ledger_reconciliation_last_run_timestamp_seconds",
      help: "When the reconciliation last ran (Unix seconds)",
      registers: [registry],
    }),
  };
}

/** What the ledger's actions share. */
export interface LedgerCore {
  db: PaymentsDb;
  logger: Logger;
  now: () => Date;
  /** The current fee schedule (admin's system configuration, followed live). */
  fees: () => FeeSchedule;
  settings: LedgerSettings;
  metrics: LedgerMetrics;
}

/** Builds the ledger module's core over the payments database. */
export function createLedgerCore(
  opts: Omit<LedgerCore, "metrics" | "settings"> & {
    registry: Registry;
    settings?: Partial<LedgerSettings> | undefined;
  },
): LedgerCore {
  return {
    db: opts.db,
    logger: opts.logger,
    now: opts.now,
    fees: opts.fees,
    settings: { ...DEFAULT_LEDGER_SETTINGS, ...opts.settings },
    metrics: createLedgerMetrics(opts.registry),
  };
}
