import { operation } from "./operation.ts";
import {
  cancelBody,
  createPaymentBody,
  exportQuery,
  idempotencyHeader,
  listQuery,
  optionalIdempotencyHeader,
  payeeListSchema,
  payeesQuery,
  paymentHistorySchema,
  paymentIdParam,
  paymentListSchema,
  paymentSchema,
  refundBody,
  refundSchema,
  summaryQuery,
  summarySchema,
} from "./payments-schemas.ts";

export * from "./payments-schemas.ts";

/** The payments service's routes (mounted at `/api/payments`). */

const idempotentHeaders = {
  "Idempotent-Replayed": "`true` when this is the stored answer to an earlier request with the same key",
};

export const paymentsCreate = operation({
  service: "payments",
  id: "payments.create",
  method: "post",
  path: "/",
  summary: "Create a payment (Idempotency-Key required)",
  description:
    "Currency and amount must satisfy the current payment policy: the system configuration's supported " +
    "currencies and per-currency amount limits, served by admin and followed live through `config.updated` " +
    "(no restart). A refusal is 400 with `param` `currency` (`unsupported_currency`) or `amount` " +
    "(`amount_out_of_range`). A deactivated account moves no money (403 `account_inactive`); an account whose e-mail address is not " +
    "verified cannot pay (403 `email_unverified`), and a vendor's cannot be paid (400 `invalid_payee`).",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:write"],
  roles: ["customer"],
  headers: idempotencyHeader,
  body: createPaymentBody,
  responses: { 201: { description: "Created, pending", schema: paymentSchema, headers: idempotentHeaders } },
  errors: [403, 409, 422],
});

export const paymentsList = operation({
  service: "payments",
  id: "payments.list",
  method: "get",
  path: "/",
  summary: "List payments, newest first (own; admins: anyone's)",
  description:
    "Ordered by creation time, newest first (ties by id); `starting_after` / `ending_before` name a payment " +
    "of the previous page, whose creation time is where the next page starts, so pages stay stable while " +
    "new payments arrive (a well-formed id that names no payment stands for the time it encodes).",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:read"],
  query: listQuery,
  responses: { 200: { description: "A page", schema: paymentListSchema } },
  errors: [403],
});

/** CSV columns of the export, in order. */
export const PAYMENT_CSV_COLUMNS = [
  "id",
  "created_at",
  "status",
  "payer_id",
  "payer_name",
  "payee_id",
  "payee_name",
  "currency",
  "amount",
  "amount_refunded",
  "description",
  "failure_reason",
] as const;

export const paymentsExportCsv = operation({
  service: "payments",
  id: "payments.exportCsv",
  method: "get",
  path: "/export.csv",
  summary: "Export the payments matching the filters as CSV, newest first (streamed; own; admins: anyone's)",
  description:
    `Columns: ${PAYMENT_CSV_COLUMNS.join(", ")}. Amounts are decimal numbers in the currency's major unit ` +
    "(`12.50`), as a spreadsheet reads them; every payment the filters match is written, however many. " +
    "Text that a spreadsheet would run as a formula starts with `'`.",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:read"],
  query: exportQuery,
  responses: {
    200: {
      description: "CSV with a header row",
      mediaType: "text/csv",
      headers: { "Content-Disposition": '`attachment; filename="payments-<time>.csv"`' },
    },
  },
  errors: [403],
});

export const paymentsGet = operation({
  service: "payments",
  id: "payments.get",
  method: "get",
  path: "/{id}",
  summary: "A payment (payer, payee or admin)",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:read"],
  params: paymentIdParam,
  responses: { 200: { description: "The payment", schema: paymentSchema } },
  errors: [404],
});

export const paymentsCancel = operation({
  service: "payments",
  id: "payments.cancel",
  method: "post",
  path: "/{id}/cancel",
  summary: "Cancel a pending payment (payer or admin)",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:write"],
  params: paymentIdParam,
  headers: optionalIdempotencyHeader,
  body: cancelBody,
  bodyOptional: true,
  responses: { 200: { description: "Canceled", schema: paymentSchema, headers: idempotentHeaders } },
  errors: [403, 404, 409, 422],
});

export const paymentsRefund = operation({
  service: "payments",
  id: "payments.refund",
  method: "post",
  path: "/{id}/refunds",
  summary: "Refund a succeeded payment, fully or partly (payee or admin; Idempotency-Key required)",
  tags: ["refunds"],
  security: "bearer",
  scopes: ["refunds:write"],
  roles: ["vendor", "admin"],
  params: paymentIdParam,
  headers: idempotencyHeader,
  body: refundBody,
  responses: {
    201: {
      description: "The refund (status succeeded or failed)",
      schema: refundSchema,
      headers: idempotentHeaders,
    },
  },
  errors: [403, 404, 409, 422],
});

export const paymentsHistory = operation({
  service: "payments",
  id: "payments.history",
  method: "get",
  path: "/{id}/history",
  summary: "State transitions, processor attempts and refunds of a payment",
  tags: ["payments"],
  security: "bearer",
  scopes: ["payments:read"],
  params: paymentIdParam,
  responses: { 200: { description: "History", schema: paymentHistorySchema } },
  errors: [404],
});

export const paymentsSummary = operation({
  service: "payments",
  id: "payments.summary",
  method: "get",
  path: "/reports/summary",
  summary:
    "Counts and sums by status, by currency and by day over [from, to) (own payments; admins: platform-wide)",
  description:
    "`from` defaults to 30 days before `to` (default now); a range over 366 days is refused. `by_day` counts " +
    "calendar days in `time_zone` (default UTC).",
  tags: ["reports"],
  security: "bearer",
  scopes: ["payments:read"],
  query: summaryQuery,
  responses: { 200: { description: "Report", schema: summarySchema } },
});

export const paymentsPayees = operation({
  service: "payments",
  id: "payments.searchPayees",
  method: "get",
  path: "/payees",
  summary: "Search active vendors to pay, by name (admins: also by e-mail, which only they are shown)",
  tags: ["payees"],
  security: "bearer",
  scopes: ["payments:read"],
  query: payeesQuery,
  responses: { 200: { description: "Vendors", schema: payeeListSchema } },
});

/** Every payments operation. */
export const PAYMENTS_OPERATIONS = [
  paymentsCreate,
  paymentsList,
  paymentsExportCsv,
  paymentsGet,
  paymentsCancel,
  paymentsRefund,
  paymentsHistory,
  paymentsSummary,
  paymentsPayees,
] as const;
