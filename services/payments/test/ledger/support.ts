import {
  createEvent,
  DEFAULT_FEES,
  type EventOf,
  type FeeSchedule,
  type Id,
  newId,
} from "@payments/contracts";
import { createLogger, Registry } from "@payments/service-kit";
import type { PaymentsDb } from "../../src/core.ts";
import { createLedgerCore, type LedgerCore, type LedgerSettings } from "../../src/ledger/core.ts";
import { accounts } from "../../src/ledger/db/schema.ts";

const logger = createLogger({ service: "payments", level: "silent" });

/** A clock tests move by hand. */
export interface Clock {
  now(): Date;
  advance(ms: number): void;
}

export function createClock(start = Date.now()): Clock {
  let at = start;
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms;
    },
  };
}

/** A ledger core over `db` with a hand clock, a settable fee schedule and short delays. */
export function testLedger(
  db: PaymentsDb,
  opts: { clock?: Clock; fees?: FeeSchedule; settings?: Partial<LedgerSettings> } = {},
): LedgerCore & { clock: Clock; setFees(f: FeeSchedule): void } {
  const clock = opts.clock ?? createClock();
  let fees = opts.fees ?? DEFAULT_FEES;
  const core = createLedgerCore({
    db,
    logger,
    now: clock.now,
    fees: () => fees,
    registry: new Registry(),
    settings: {
      settlementDelayMs: 1_000,
      payoutArrivalMs: 1_000,
      payoutHourUtc: 0,
      missingGraceMs: 0,
      ...opts.settings,
    },
  });
  return {
    ...core,
    clock,
    setFees(f) {
      fees = f;
    },
  };
}

/** A payment as the ledger hears of it. */
export interface PaidPayment {
  id: Id<"pay">;
  payerId: Id<"usr">;
  payeeId: Id<"usr">;
  amount: number;
  currency: string;
  refunded: number;
}

export function paymentSucceeded(
  p: Omit<PaidPayment, "id" | "refunded"> & { id?: Id<"pay"> },
  at = new Date(),
): { payment: PaidPayment; event: EventOf<"payment.succeeded"> } {
  const id = p.id ?? newId("pay");
  const event = createEvent({
    type: "payment.succeeded",
    producer: "payments",
    subject: id,
    data: {
      id,
      payer_id: p.payerId,
      payee_id: p.payeeId,
      amount: p.amount,
      currency: p.currency,
      status: "succeeded",
      amount_refunded: 0,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    },
  });
  return { payment: { ...p, id, refunded: 0 }, event: { ...event, occurred_at: at.toISOString() } };
}

/** A succeeded refund of `amount` (the payment's running total updated in `payment`). */
export function refundSucceeded(payment: PaidPayment, amount: number): EventOf<"refund.succeeded"> {
  payment.refunded += amount;
  const id = newId("re");
  return createEvent({
    type: "refund.succeeded",
    producer: "payments",
    subject: payment.id,
    data: {
      id,
      payment_id: payment.id,
      payer_id: payment.payerId,
      payee_id: payment.payeeId,
      amount,
      currency: payment.currency,
      reason: null,
      payment_status: payment.refunded === payment.amount ? "refunded" : "partially_refunded",
      payment_amount_refunded: payment.refunded,
      created_at: new Date().toISOString(),
      status: "succeeded",
    },
  });
}

/** Every account's balance by id. */
export async function balances(db: PaymentsDb): Promise<Record<string, number>> {
  const rows = await db.select({ id: accounts.id, balance: accounts.balance }).from(accounts);
  return Object.fromEntries(rows.map((r) => [r.id, r.balance]));
}

/** One vendor balance figure (0 when the account does not exist yet). */
export function vendorBalance(
  all: Record<string, number>,
  vendorId: string,
  kind: "pending" | "available" | "in_transit",
  currency: string,
): number {
  return all[`vendor:${vendorId}:${kind}:${currency}`] ?? 0;
}
