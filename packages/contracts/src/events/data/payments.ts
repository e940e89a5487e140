import { z } from "zod";
import { idSchema } from "../../ids/index.ts";
import { amountSchema, currencySchema, MAX_AMOUNT } from "../../money/index.ts";
import { timestampSchema } from "../../time/index.ts";
import { PAYMENT_STATUSES } from "./values.ts";

/** Payment states (ARCHITECTURE §4). */
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);

/** A {@link paymentStatusSchema} value. */
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

const refundedAmountSchema = z.int().min(0).max(MAX_AMOUNT);

/** The payment as `payment.*` events carry it: a snapshot taken in the transaction of the transition. */
export const paymentSnapshotSchema = z.object({
  id: idSchema("pay"),
  payer_id: idSchema("usr"),
  payee_id: idSchema("usr"),
  amount: amountSchema,
  currency: currencySchema,
  status: paymentStatusSchema,
  amount_refunded: refundedAmountSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
});

const failureFields = {
  failure_code: z.string().min(1).max(64),
  failure_message: z.string().max(500),
};

/** Snapshot invariant, checked on every payment event: refunds never exceed the amount. */
function refundedWithinAmount(p: { amount: number; amount_refunded: number }): boolean {
  return p.amount_refunded <= p.amount;
}
const refundedWithinAmountError = { message: "amount_refunded exceeds amount", path: ["amount_refunded"] };

// Each `payment.<transition>` event pins the status the transition produced.

/** `payment.created` v1. */
export const paymentCreatedV1 = paymentSnapshotSchema
  .extend({ status: z.literal("pending") })
  .refine(refundedWithinAmount, refundedWithinAmountError);
/** `payment.processing` v1: handed to the processor. */
export const paymentProcessingV1 = paymentSnapshotSchema
  .extend({ status: z.literal("processing") })
  .refine(refundedWithinAmount, refundedWithinAmountError);
/** `payment.succeeded` v1. */
export const paymentSucceededV1 = paymentSnapshotSchema
  .extend({ status: z.literal("succeeded") })
  .refine(refundedWithinAmount, refundedWithinAmountError);
/** `payment.failed` v1: with the processor's decline code and a message safe to show the payer. */
export const paymentFailedV1 = paymentSnapshotSchema
  .extend({ status: z.literal("failed"), ...failureFields })
  .refine(refundedWithinAmount, refundedWithinAmountError);
/** `payment.canceled` v1: by a user (`canceled_by`) or by the platform (null, e.g. payer deactivated). */
export const paymentCanceledV1 = paymentSnapshotSchema
  .extend({
    status: z.literal("canceled"),
    canceled_by: idSchema("usr").nullable(),
    cancellation_reason: z.string().min(1).max(64),
  })
  .refine(refundedWithinAmount, refundedWithinAmountError);

/**
 * A refund as `refund.*` events carry it, with the payment's parties (so consumers can notify them without
 * a lookup) and the payment's status and refunded total after this refund.
 */
const refundSnapshot = {
  id: idSchema("re"),
  payment_id: idSchema("pay"),
  payer_id: idSchema("usr"),
  payee_id: idSchema("usr"),
  amount: amountSchema,
  currency: currencySchema,
  reason: z.string().max(500).nullable(),
  payment_status: paymentStatusSchema,
  payment_amount_refunded: refundedAmountSchema,
  created_at: timestampSchema,
};

/** `refund.succeeded` v1. */
export const refundSucceededV1 = z.object({ ...refundSnapshot, status: z.literal("succeeded") });
/** `refund.failed` v1. */
export const refundFailedV1 = z.object({ ...refundSnapshot, status: z.literal("failed"), ...failureFields });
