import type { AccountKind, EntrySource } from "../db/schema.ts";

/** An account as the journal names it (its id is derived, so posting to a new one creates it). */
export interface AccountRef {
  ownerType: "vendor" | "customer" | "platform";
  ownerId: string | null;
  kind: AccountKind;
  currency: string;
}

/** One line of an entry: a signed amount on one account. */
export interface Posting {
  account: AccountRef;
  amount: number;
}

/** A journal entry before it is written: where it comes from and its postings (which sum to zero). */
export interface EntryDraft {
  sourceKey: string;
  sourceType: EntrySource;
  sourceId: string;
  currency: string;
  postings: Posting[];
}

/** `vendor:<usr>:available:usd`, `platform:fee_revenue:usd`. */
export function accountId(ref: AccountRef): string {
  return ref.ownerId === null
    ? `${ref.ownerType}:${ref.kind}:${ref.currency}`
    : `${ref.ownerType}:${ref.ownerId}:${ref.kind}:${ref.currency}`;
}

export const vendorAccount = (
  vendorId: string,
  kind: "pending" | "available" | "in_transit",
  currency: string,
) => ({ ownerType: "vendor", ownerId: vendorId, kind, currency }) satisfies AccountRef;
export const customerSpent = (customerId: string, currency: string) =>
  ({ ownerType: "customer", ownerId: customerId, kind: "spent", currency }) satisfies AccountRef;
export const feeRevenue = (currency: string) =>
  ({ ownerType: "platform", ownerId: null, kind: "fee_revenue", currency }) satisfies AccountRef;
export const processorClearing = (currency: string) =>
  ({ ownerType: "platform", ownerId: null, kind: "processor_clearing", currency }) satisfies AccountRef;

/** Why a draft cannot be posted, or undefined: the ledger's own invariants, checked before any write. */
export function draftProblem(draft: EntryDraft): string | undefined {
  let sum = 0n;
  const seen = new Set<string>();
  for (const p of draft.postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0)
      return `posting of ${p.amount} is not a whole non-zero amount`;
    if (p.account.currency !== draft.currency) return "a posting in another currency than its entry";
    const id = accountId(p.account);
    // One posting per account and entry: the balance upsert adds each account once.
    if (seen.has(id)) return `two postings on ${id}`;
    seen.add(id);
    sum += BigInt(p.amount);
  }
  if (sum !== 0n) return `postings sum to ${sum}, not 0`;
  return undefined;
}

/** Drops zero postings (a fee of 0) so every written posting moves money. */
const nonZero = (postings: Posting[]) => postings.filter((p) => p.amount !== 0);

/**
 * A succeeded payment: the customer's money (spent, negative) becomes the vendor's pending balance, less the
 * platform's fee, which is fee revenue.
 */
export function paymentEntry(input: {
  eventId: string;
  paymentId: string;
  payerId: string;
  payeeId: string;
  amount: number;
  fee: number;
  currency: string;
}): EntryDraft {
  const { currency } = input;
  return {
    sourceKey: input.eventId,
    sourceType: "payment",
    sourceId: input.paymentId,
    currency,
    postings: nonZero([
      { account: customerSpent(input.payerId, currency), amount: -input.amount },
      { account: vendorAccount(input.payeeId, "pending", currency), amount: input.amount - input.fee },
      { account: feeRevenue(currency), amount: input.fee },
    ]),
  };
}

/**
 * A succeeded refund: the customer gets `amount` back, taken from the vendor's available balance (which may
 * go negative: a debt recovered from later payments) and, when the fee is returned, from fee revenue.
 */
export function refundEntry(input: {
  eventId: string;
  refundId: string;
  payerId: string;
  payeeId: string;
  amount: number;
  feeReturned: number;
  currency: string;
}): EntryDraft {
  const { currency } = input;
  return {
    sourceKey: input.eventId,
    sourceType: "refund",
    sourceId: input.refundId,
    currency,
    postings: nonZero([
      { account: customerSpent(input.payerId, currency), amount: input.amount },
      {
        account: vendorAccount(input.payeeId, "available", currency),
        amount: -(input.amount - input.feeReturned),
      },
      { account: feeRevenue(currency), amount: -input.feeReturned },
    ]),
  };
}

/** Funds whose settlement delay has passed: pending → available. */
export function releaseEntry(txnId: string, vendorId: string, net: number, currency: string): EntryDraft {
  return {
    sourceKey: `release:${txnId}`,
    sourceType: "release",
    sourceId: txnId,
    currency,
    postings: nonZero([
      { account: vendorAccount(vendorId, "pending", currency), amount: -net },
      { account: vendorAccount(vendorId, "available", currency), amount: net },
    ]),
  };
}

/** A payout's money movements: created (available → in transit), paid (→ out), failed (back to available). */
export function payoutEntry(
  step: "created" | "paid" | "failed",
  payout: { id: string; vendorId: string; amount: number; currency: string },
): EntryDraft {
  const { vendorId, amount, currency } = payout;
  const inTransit = vendorAccount(vendorId, "in_transit", currency);
  const available = vendorAccount(vendorId, "available", currency);
  const postings: Posting[] =
    step === "created"
      ? [
          { account: available, amount: -amount },
          { account: inTransit, amount },
        ]
      : step === "paid"
        ? [
            { account: inTransit, amount: -amount },
            { account: processorClearing(currency), amount },
          ]
        : [
            { account: inTransit, amount: -amount },
            { account: available, amount },
          ];
  return {
    sourceKey: `payout:${payout.id}:${step}`,
    sourceType: step === "created" ? "payout" : step === "paid" ? "payout_paid" : "payout_failed",
    sourceId: payout.id,
    currency,
    postings,
  };
}
