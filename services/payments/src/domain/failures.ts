/**
 * Why a payment or refund failed, in the product's words. Processors answer in their own vocabulary (a card
 * network's "card declined"), but this product never asks for a card: the people involved see what happened
 * and whether money moved. Codes stay as the processor gave them, for support and metrics.
 */
const PAYMENT_FAILURES: Readonly<Record<string, string>> = {
  payment_declined: "The payment processor declined this payment. No money was taken.",
  // The simulator's earlier name for the same decline; older payments still carry it.
  card_declined: "The payment processor declined this payment. No money was taken.",
  processor_unavailable:
    "The payment processor could not be reached, so no money was taken. Try again later.",
};
/** Any other failed charge: it says that nothing happened, which holds for every one of them. */
const PAYMENT_FAILED = "The payment could not be completed. No money was taken.";

const REFUND_FAILURES: Readonly<Record<string, string>> = {
  refund_declined: "The payment processor declined the refund. Nothing was refunded.",
  processor_unavailable:
    "The payment processor could not be reached, so nothing was refunded. Try again later.",
};
const REFUND_FAILED = "The refund could not be completed. Nothing was refunded.";

/** The words for a failed payment's `code`; null when nothing failed. */
export function failureWords(code: string | null): string | null {
  if (code === null) return null;
  return PAYMENT_FAILURES[code] ?? PAYMENT_FAILED;
}

/** The words for a failed refund's `code`; null when nothing failed. */
export function refundFailureWords(code: string | null): string | null {
  if (code === null) return null;
  return REFUND_FAILURES[code] ?? REFUND_FAILED;
}
