import type { FeeSchedule } from "@payments/contracts";

/**
 * Platform fees (docs/adr/0032), in integer minor units with BigInt arithmetic: `amount × bps` reaches
 * 10^16 for the largest payments, past the 2^53 a JS number holds exactly.
 */

/** `numerator / denominator` rounded half up (both non-negative). */
function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * The fee on a payment of `amount` in `currency`: `percent_bps` basis points rounded half up to a whole minor
 * unit, plus the currency's fixed part (0 when the schedule names none), never more than the amount.
 */
export function paymentFee(schedule: FeeSchedule, amount: number, currency: string): number {
  const percent = divRoundHalfUp(BigInt(amount) * BigInt(schedule.percent_bps), 10_000n);
  const fixed = BigInt(Object.hasOwn(schedule.fixed, currency) ? (schedule.fixed[currency] ?? 0) : 0);
  const fee = percent + fixed;
  return Number(fee > BigInt(amount) ? BigInt(amount) : fee);
}

/**
 * The part of a payment's fee a refund returns. `keep`: none. `return`: in proportion to the refunded
 * amount, computed on the running total (`floor(fee × refunded_after / amount) − floor(fee × refunded_before
 * / amount)`), so partial refunds never return more in sum than the fee and a full refund returns all of it.
 */
export function refundedFee(
  rule: FeeSchedule["refunds"],
  payment: { amount: number; fee: number },
  refundedBefore: number,
  refundedAfter: number,
): number {
  if (rule === "keep" || payment.fee === 0) return 0;
  const share = (refunded: number) => (BigInt(payment.fee) * BigInt(refunded)) / BigInt(payment.amount);
  return Number(share(refundedAfter) - share(refundedBefore));
}
