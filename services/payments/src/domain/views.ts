import type { Id, PaymentStatus } from "@payments/contracts";
import type { PaymentRow, PaymentState, RefundRow } from "../db/schema.ts";

/** A payment as the API returns it. */
export interface ApiPayment {
  id: Id<"pay">;
  object: "payment";
  payer_id: Id<"usr">;
  payee_id: Id<"usr">;
  amount: number;
  currency: string;
  status: PaymentStatus;
  amount_refunded: number;
  description: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  canceled_by: Id<"usr"> | null;
  cancellation_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A refund as the API returns it. */
export interface ApiRefund {
  id: string;
  object: "refund";
  payment_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: RefundRow["status"];
  failure_code: string | null;
  failure_message: string | null;
  created_at: string;
}

/** The API view of a payment row. */
export function toApiPayment(row: PaymentRow): ApiPayment {
  return {
    id: row.id,
    object: "payment",
    payer_id: row.payerId,
    payee_id: row.payeeId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    amount_refunded: row.amountRefunded,
    description: row.description,
    metadata: row.metadata,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
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
    failure_message: row.failureMessage,
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
