import type { PaymentStatus } from "@payments/contracts";

/**
 * Allowed transitions (ARCHITECTURE §4). A transition not in this table never happens: every write takes
 * its `WHERE status IN (…)` guard from {@link allowedSources}, so the database enforces the same table
 * under concurrency.
 */
export const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ["processing", "canceled"],
  processing: ["succeeded", "failed"],
  succeeded: ["partially_refunded", "refunded"],
  partially_refunded: ["partially_refunded", "refunded"],
  failed: [],
  canceled: [],
  refunded: [],
};

/** Every status a payment can be in. */
export const PAYMENT_STATUSES = Object.keys(TRANSITIONS) as readonly PaymentStatus[];

/** True when `from → to` is in {@link TRANSITIONS}. */
export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a payment may be in for a transition to `to`: the guard of the SQL update. */
export function allowedSources(to: PaymentStatus): PaymentStatus[] {
  return PAYMENT_STATUSES.filter((from) => canTransition(from, to));
}

/** Statuses from which nothing moves any more. */
export function isTerminal(status: PaymentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Statuses that accept refunds. */
export const REFUNDABLE: readonly PaymentStatus[] = ["succeeded", "partially_refunded"];

/** Money state of a payment that refund rules look at. */
export interface RefundBalance {
  status: PaymentStatus;
  amount: number;
  amountRefunded: number;
  /** Refunds reserved but not settled by the processor yet. */
  amountRefundPending: number;
}

/** Why a refund cannot be made, or the amount it will be. */
export type RefundCheck =
  | { ok: true; amount: number }
  | { ok: false; reason: "not_refundable" | "exceeds_remaining"; remaining: number };

/** What can still be refunded: the amount minus settled and reserved refunds. */
export function refundableRemaining(balance: RefundBalance): number {
  return Math.max(0, balance.amount - balance.amountRefunded - balance.amountRefundPending);
}

/**
 * Checks a refund request; `requested` undefined means "everything that is left". A payment that has not
 * succeeded is `not_refundable` (a state conflict), an amount over what is left is `exceeds_remaining`
 * (a bad request).
 */
export function checkRefund(balance: RefundBalance, requested: number | undefined): RefundCheck {
  const remaining = refundableRemaining(balance);
  if (!REFUNDABLE.includes(balance.status)) return { ok: false, reason: "not_refundable", remaining };
  const amount = requested ?? remaining;
  if (amount < 1 || amount > remaining) return { ok: false, reason: "exceeds_remaining", remaining };
  return { ok: true, amount };
}

/** Status after `refunded` of `amount` has been refunded in total. */
export function statusAfterRefunds(amount: number, refunded: number): "partially_refunded" | "refunded" {
  return refunded >= amount ? "refunded" : "partially_refunded";
}
