import {
  amountSchema,
  currencySchema,
  idSchema,
  paymentStatusSchema,
  timestampSchema,
} from "@payments/contracts";
import { errorJsonSchema, resolver } from "@payments/service-kit";
import { z } from "zod";
import { CANCELLATION_REASONS } from "../actions/payments.ts";
import { IDEMPOTENCY_KEY_PATTERN } from "../domain/idempotency.ts";

/** Metadata limits (as Stripe's): 50 keys, keys ≤ 40 characters, values ≤ 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

const metadataSchema = z
  .record(z.string().min(1).max(METADATA_LIMITS.keyLength), z.string().max(METADATA_LIMITS.valueLength))
  .refine((m) => Object.keys(m).length <= METADATA_LIMITS.keys, {
    message: `at most ${METADATA_LIMITS.keys} keys`,
  });

/**
 * Body of `POST /`. The shape is checked here; whether the currency is supported and the amount within its
 * limits is the payment policy's call (admin's system configuration, which changes without a restart).
 */
export const createPaymentBody = z.strictObject({
  payee_id: idSchema("usr"),
  amount: amountSchema.describe(
    "Minor units. Must also lie within the limits the system configuration sets for the currency " +
      "(`payment_limits`, per currency or default); otherwise 400 `amount_out_of_range`.",
  ),
  currency: currencySchema.describe(
    "Lowercase ISO-4217. Must be one of the system configuration's `supported_currencies` " +
      "(GET /api/admin/config/public); otherwise 400 `unsupported_currency`.",
  ),
  description: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
});

/** Body of `POST /:id/refunds`: amount omitted = everything not refunded yet. */
export const refundBody = z.strictObject({
  amount: amountSchema.optional(),
  reason: z.string().min(1).max(500).optional(),
});

/** Body of `POST /:id/cancel` (optional). */
export const cancelBody = z.strictObject({
  cancellation_reason: z.enum(CANCELLATION_REASONS).default("requested_by_customer"),
});

/** The `Idempotency-Key` header, required on creates and refunds (ARCHITECTURE §3). */
export const idempotencyHeader = z.object({
  "idempotency-key": z
    .string({ error: "Idempotency-Key header is required" })
    .regex(IDEMPOTENCY_KEY_PATTERN, "must be 1-255 printable ASCII characters"),
});

/** The optional `Idempotency-Key` of cancel (cancel moves no money, but clients may still send one). */
export const optionalIdempotencyHeader = z.object({
  "idempotency-key": idempotencyHeader.shape["idempotency-key"].optional(),
});

/** `:id` path parameter: any short string; one that is not a payment id is simply not found. */
export const paymentIdParam = z.object({ id: z.string().min(1).max(255) });

/** A `pay_…` id, for cursors. */
export const paymentId = idSchema("pay");

const isoDateTime = z.iso.datetime({ offset: true });

/** Query of `GET /`. */
export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    starting_after: paymentId.optional(),
    ending_before: paymentId.optional(),
    status: paymentStatusSchema.optional(),
    "created[gte]": isoDateTime.optional(),
    "created[lte]": isoDateTime.optional(),
    role: z.enum(["payer", "payee"]).optional(),
    /** Admins only: whose payments. */
    user_id: idSchema("usr").optional(),
  })
  .refine((q) => !(q.starting_after && q.ending_before), {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });

/** Query of `GET /reports/summary`: `[from, to)`, default the last 30 days. */
export const summaryQuery = z.object({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/)
    .optional(),
  role: z.enum(["payer", "payee"]).optional(),
});

/** Query of `GET /payees`. */
export const payeesQuery = z.object({
  query: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** A payment in responses. */
export const paymentSchema = z.object({
  id: idSchema("pay"),
  object: z.literal("payment"),
  payer_id: idSchema("usr"),
  payee_id: idSchema("usr"),
  amount: amountSchema,
  currency: z.string(),
  status: paymentStatusSchema,
  amount_refunded: z.int(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  failure_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  canceled_by: idSchema("usr").nullable(),
  cancellation_reason: z.string().nullable(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});

/** A refund in responses. */
export const refundSchema = z.object({
  id: idSchema("re"),
  object: z.literal("refund"),
  payment_id: idSchema("pay"),
  amount: amountSchema,
  currency: z.string(),
  reason: z.string().nullable(),
  status: z.enum(["pending", "succeeded", "failed"]),
  failure_code: z.string().nullable(),
  failure_message: z.string().nullable(),
  created_at: timestampSchema,
});

/** A page of payments. */
export const paymentListSchema = z.object({
  object: z.literal("list"),
  data: z.array(paymentSchema),
  has_more: z.boolean(),
});

/** OpenAPI `content` of a JSON response with `schema`. */
export function jsonContent(schema: z.ZodType) {
  return { "application/json": { schema: resolver(schema) } };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request (`error.param` names the field)",
  401: "Not authenticated",
  403: "Not permitted",
  404: "Not found (also for payments of other users)",
  409: "Conflict: the payment's state does not allow this, or the idempotency key is in flight",
  422: "Idempotency-Key reused with a different request",
};

/** OpenAPI responses for the uniform errors a route may answer with. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: errorJsonSchema() } },
      },
    ]),
  );
}
