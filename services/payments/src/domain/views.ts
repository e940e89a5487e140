import type { PaymentView, RefundView } from "@payments/contracts/http";
import type { NamedPayment } from "../db/lists.ts";
import type { PaymentRow, PaymentState, RefundRow } from "../db/schema.ts";
import { failureWords, refundFailureWords } from "./failures.ts";

/** A payment / refund as the API returns it: the contract's shapes (`@payments/contracts/http`). */
export type ApiPayment = PaymentView;
export type ApiRefund = RefundView;

/**
 * The API view of a payment row with its parties' names. The failure message is derived from the code at
 * read time, so payments stored with a processor's wording read in the product's words too.
 */
export function toApiPayment(row: NamedPayment): ApiPayment {
  return {
    id: row.id,
    object: "payment",
    payer_id: row.payerId,
    payer_name: row.payerName,
    payee_id: row.payeeId,
    payee_name: row.payeeName,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    amount_refunded: row.amountRefunded,
    description: row.description,
    metadata: row.metadata,
    failure_code: row.failureCode,
    failure_message: failureWords(row.failureCode),
    canceled_by: row.canceledBy,
    cancellation_reason: row.cancellationReason,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The API view of a refund row. */
export function toApiRefund(row: RefundRow): ApiRefund {
  return {
    id: row.id,
    object: "refund",
    payment_id: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    failure_code: row.failureCode,
    failure_message: refundFailureWords(row.failureCode),
    created_at: row.createdAt.toISOString(),
  };
}

/** The payment snapshot every `payment.*` event carries (contracts' `paymentSnapshotSchema`). */
export function paymentSnapshot(row: PaymentState) {
  return {
    id: row.id,
    payer_id: row.payerId,
    payee_id: row.payeeId,
    amount: row.amount,
    currency: row.currency,
    amount_refunded: row.amountRefunded,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The data of a `refund.*` event: the refund, the payment's parties and the payment's state after it. */
export function refundSnapshot(refund: RefundRow, payment: PaymentRow) {
  return {
    id: refund.id,
    payment_id: payment.id,
    payer_id: payment.payerId,
    payee_id: payment.payeeId,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    payment_status: payment.status,
    payment_amount_refunded: payment.amountRefunded,
    created_at: refund.createdAt.toISOString(),
  };
}
