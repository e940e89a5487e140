import { z } from "zod";
import { PAYMENT_STATUSES } from "../events/data/values.ts";
import { idSchema } from "../ids/ids.ts";
import { amountSchema, currencySchema, MAX_AMOUNT } from "../money/money.ts";
import { timestampSchema } from "../time/time.ts";
import { component, cursorQuery, pageOf } from "./operation.ts";

/** The payments service's request and response schemas (its operations are in `payments.ts`). */

/** Metadata limits (as Stripe's): 50 keys, keys ≤ 40 characters, values ≤ 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** Why a payment was canceled. */
export const CANCELLATION_REASONS = [
  "requested_by_customer",
  "duplicate",
  "fraudulent",
  "abandoned",
] as const;

/** 1–255 printable ASCII characters (ARCHITECTURE §3). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The platform's first possible instant: no payment is older, and every filter bound is read from here on. */
const EPOCH = "1970-01-01T00:00:00.000Z";
// A bound before 1970 means the same as 1970 for payments, and moving it there keeps "0000-…" (valid
// ISO 8601, but a year Postgres has no date for — found by the fuzz as a 500) from reaching the database.
const isoDateTime = z.iso
  .datetime({ offset: true })
  .transform((value) => (Date.parse(value) < 0 ? EPOCH : value));
const paymentStatus = z.enum(PAYMENT_STATUSES);

const metadataSchema = z
  .record(z.string().min(1).max(METADATA_LIMITS.keyLength), z.string().max(METADATA_LIMITS.valueLength))
  .refine((m) => Object.keys(m).length <= METADATA_LIMITS.keys, {
    message: `at most ${METADATA_LIMITS.keys} keys`,
  })
  .describe(`At most ${METADATA_LIMITS.keys} keys`);

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

/** Body of `POST /{id}/refunds`: amount omitted = everything not refunded yet. */
export const refundBody = z.strictObject({
  amount: amountSchema.optional(),
  reason: z.string().min(1).max(500).optional(),
});

/** Body of `POST /{id}/cancel` (optional). */
export const cancelBody = z.strictObject({
  cancellation_reason: z.enum(CANCELLATION_REASONS).default("requested_by_customer"),
});

const idempotencyKey = z
  .string({ error: "Idempotency-Key header is required" })
  .regex(IDEMPOTENCY_KEY_PATTERN, "must be 1-255 printable ASCII characters");

/** The `Idempotency-Key` header, required on creates and refunds (ARCHITECTURE §3). */
export const idempotencyHeader = z.object({ "idempotency-key": idempotencyKey });

/** The optional `Idempotency-Key` of cancel (cancel moves no money, but clients may still send one). */
export const optionalIdempotencyHeader = z.object({ "idempotency-key": idempotencyKey.optional() });

/** `{id}` path parameter: a `pay_…` id (anything else cannot exist: 404). */
component("Currency", currencySchema, "Lowercase ISO-4217 code the platform knows");

export const paymentIdParam = z.object({ id: idSchema("pay") });

const minorUnits = z.coerce.number().int().min(0).max(MAX_AMOUNT);
const currencyCode = z.string().regex(/^[a-z]{3}$/, "must be a lowercase three-letter ISO-4217 code");

/** Filters the list and the CSV export share (ARCHITECTURE §3: filters as query parameters). */
const paymentFilters = {
  status: paymentStatus.optional(),
  "created[gte]": isoDateTime.optional().describe("Created at or after (ISO 8601 with offset)"),
  "created[lte]": isoDateTime.optional().describe("Created at or before (ISO 8601 with offset)"),
  "amount[gte]": minorUnits.optional().describe("Amount at least this, in minor units"),
  "amount[lte]": minorUnits.optional().describe("Amount at most this, in minor units"),
  currency: currencyCode.optional(),
  counterparty: idSchema("usr")
    .optional()
    .describe("Only payments with this user on the other side (admins: on either side)"),
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe("Search: description or payer/payee name contains it (any case), or a payment id"),
  role: z.enum(["payer", "payee"]).optional().describe("Only payments I made (payer) or received (payee)"),
  user_id: idSchema("usr").optional().describe("Admins only: whose payments"),
};

type FilterRanges = {
  "created[gte]"?: string | undefined;
  "created[lte]"?: string | undefined;
  "amount[gte]"?: number | undefined;
  "amount[lte]"?: number | undefined;
};

/** A range whose lower end lies above its upper end matches nothing: a mistake, refused with 400. */
function rangesInOrder(q: FilterRanges): boolean {
  const created =
    !q["created[gte]"] ||
    !q["created[lte]"] ||
    Date.parse(q["created[gte]"]) <= Date.parse(q["created[lte]"]);
  const amount =
    q["amount[gte]"] === undefined || q["amount[lte]"] === undefined || q["amount[gte]"] <= q["amount[lte]"];
  return created && amount;
}
const rangeMessage = { message: "a range's lower end (gte) must not be above its upper end (lte)" };

/** Query of `GET /`: newest first by creation time, cursor = a payment id of the previous page. */
export const listQuery = z
  .strictObject({ ...cursorQuery(idSchema("pay")), ...paymentFilters })
  .refine((q) => !(q.starting_after && q.ending_before), {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  })
  .refine(rangesInOrder, rangeMessage);

/** Query of `GET /export.csv`: the list's filters, no cursor and no limit (every matching payment). */
export const exportQuery = z.strictObject(paymentFilters).refine(rangesInOrder, rangeMessage);

/** True when `zone` is an IANA time zone this runtime knows (Postgres knows the same database). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA time zone. The document lists the runtime's canonical zones; the validator also takes the aliases
 * ICU knows (Asia/Calcutta for Asia/Kolkata), since browsers and runtimes disagree on which name is primary.
 */
const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, "must be an IANA time zone, like Europe/Zurich")
  .meta({ enum: Intl.supportedValuesOf("timeZone") });

/** Query of `GET /reports/summary`: `[from, to)`, default the last 30 days. */
export const summaryQuery = z.strictObject({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  currency: currencyCode.optional(),
  role: z.enum(["payer", "payee"]).optional(),
  time_zone: timeZoneSchema
    .optional()
    .describe(
      "IANA time zone whose calendar days `by_day` counts in (default UTC); aliases of the listed zones " +
        "are accepted too",
    ),
});

/** Query of `GET /payees`. */
export const payeesQuery = z.strictObject({
  query: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** A payment in responses. */
export const paymentSchema = component(
  "Payment",
  z.object({
    id: idSchema("pay"),
    object: z.literal("payment"),
    payer_id: idSchema("usr"),
    payer_name: z
      .string()
      .nullable()
      .describe("The payer's display name, from the service's directory of users (null while not known)"),
    payee_id: idSchema("usr"),
    payee_name: z.string().nullable().describe("The payee's display name, as `payer_name`"),
    amount: amountSchema,
    currency: z.string(),
    status: paymentStatus,
    amount_refunded: z.int(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable().describe("Why it failed, in words to show the payer and payee"),
    canceled_by: idSchema("usr").nullable(),
    cancellation_reason: z.string().nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  }),
);
export type PaymentView = z.infer<typeof paymentSchema>;

/** A refund in responses. */
export const refundSchema = component(
  "Refund",
  z.object({
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
  }),
);
export type RefundView = z.infer<typeof refundSchema>;

/** A page of payments. */
export const paymentListSchema = component(
  "PaymentList",
  pageOf(paymentSchema).extend({ object: z.literal("list") }),
);

/** A payment's history: state changes, processor attempts and refunds. */
export const paymentHistorySchema = component(
  "PaymentHistory",
  z.object({
    object: z.literal("payment_history"),
    payment_id: idSchema("pay"),
    transitions: z.array(
      z.object({
        id: z.string(),
        from: paymentStatus.nullable(),
        to: paymentStatus,
        actor_id: z.string().nullable(),
        reason: z.string().nullable(),
        created_at: timestampSchema,
      }),
    ),
    attempts: z.array(
      z.object({
        id: z.string(),
        attempt: z.int(),
        outcome: z.string(),
        failure_code: z.string().nullable(),
        latency_ms: z.int(),
        created_at: timestampSchema,
      }),
    ),
    refunds: z.array(refundSchema),
  }),
);
export type PaymentHistoryView = z.infer<typeof paymentHistorySchema>;

/** `GET /reports/summary`. */
export const summarySchema = component(
  "PaymentSummary",
  z.object({
    object: z.literal("report"),
    scope: z.enum(["user", "platform"]),
    from: timestampSchema,
    to: timestampSchema,
    currency: z.string().nullable(),
    by_status: z.array(
      z.object({
        status: paymentStatus,
        currency: z.string(),
        count: z.int(),
        amount: z.int(),
        amount_refunded: z.int(),
      }),
    ),
    totals: z.array(
      z.object({
        currency: z.string(),
        count: z.int(),
        volume: z.int().describe("Sum of the payments that went through (refunded or not)"),
        refunded: z.int(),
        net: z.int(),
        failed: z.int().describe("Payments that failed"),
      }),
    ),
    by_day: z
      .array(
        z.object({
          date: z.iso.date().describe("Calendar day in `time_zone`"),
          currency: z.string(),
          count: z.int().describe("Payments created that day"),
          succeeded: z.int().describe("Of those, payments that went through (refunded or not)"),
          failed: z.int(),
          volume: z.int().describe("Sum of the payments that went through"),
          refunded: z.int().describe("Refunded so far of that day's payments"),
        }),
      )
      .describe("Per day and currency, oldest first; days without payments are left out"),
    time_zone: z.string(),
  }),
);
export type PaymentSummaryView = z.infer<typeof summarySchema>;

/** A vendor a customer may pay: their name; the e-mail address only for admins (it is personal data). */
export const payeeSchema = component(
  "Payee",
  z.object({
    id: idSchema("usr"),
    name: z.string(),
    email: z.string().optional().describe("Admins only"),
  }),
);
export const payeeListSchema = component(
  "PayeeList",
  pageOf(payeeSchema).extend({ object: z.literal("list") }),
);
