import { z } from "zod";
import { idSchema } from "../ids/ids.ts";
import { amountSchema, currencySchema } from "../money/money.ts";
import { timestampSchema } from "../time/time.ts";
import { component, cursorQuery, operation, pageOf } from "./operation.ts";
import { idempotencyHeader } from "./payments-schemas.ts";

/**
 * Vendors' money (docs/adr/0031, 0032): balances, balance transactions, payouts, and the ledger's
 * reconciliation check. Served by the payments service (its ledger module) under `/api/payments`.
 */

/** A signed amount in minor units (balances and balance lines can be negative: refunds, debt). */
const signedAmount = z
  .int()
  .min(-(2 ** 53 - 1))
  .max(2 ** 53 - 1);

/** What moved a vendor's balance. */
export const BALANCE_TRANSACTION_TYPES = ["payment", "refund", "payout", "payout_failure"] as const;
/** Payout states: pending → in_transit → paid | failed (failed returns the funds). */
export const PAYOUT_STATUSES = ["pending", "in_transit", "paid", "failed"] as const;

/** One currency of a vendor's balance. */
export const currencyBalanceSchema = component(
  "CurrencyBalance",
  z.object({
    currency: currencySchema,
    pending: signedAmount.describe("Received, not yet available (the settlement delay has not passed)"),
    available: signedAmount.describe("May be paid out; negative = debt recovered from later payments"),
    in_transit: signedAmount.describe("Paid out, not yet arrived in the bank"),
  }),
);

/** The vendor's balance, next scheduled payout and masked bank account. */
export const balanceSchema = component(
  "Balance",
  z.object({
    object: z.literal("balance"),
    balances: z.array(currencyBalanceSchema),
    settlement_delay_seconds: z.int().min(0),
    next_payout: z
      .object({
        scheduled_at: timestampSchema,
        estimates: z.array(z.object({ currency: currencySchema, amount: signedAmount })),
      })
      .nullable()
      .describe("The next daily payout run; null without a bank account or when daily payouts are off"),
    bank_account: z
      .object({ last4: z.string().regex(/^[0-9A-Z]{4}$/), updated_at: timestampSchema })
      .nullable(),
  }),
);

/** One line of a vendor's balance: its source, gross, fee and net (net = gross − fee). */
export const balanceTransactionSchema = component(
  "BalanceTransaction",
  z.object({
    id: idSchema("txn"),
    object: z.literal("balance_transaction"),
    type: z.enum(BALANCE_TRANSACTION_TYPES),
    source_id: z.string().describe("The payment, refund or payout"),
    description: z
      .string()
      .describe(
        "What moved the balance, in words: who paid or was refunded and for what, or where a payout went",
      ),
    payment_id: idSchema("pay")
      .nullable()
      .describe("The payment a payment or refund line belongs to (null for payouts)"),
    currency: currencySchema,
    gross: signedAmount,
    fee: signedAmount.describe("Platform fee (negative on a refund that returns part of the fee)"),
    net: signedAmount,
    status: z.enum(["pending", "available"]),
    available_on: timestampSchema,
    created_at: timestampSchema,
  }),
);

export const balanceTransactionListSchema = component(
  "BalanceTransactionList",
  pageOf(balanceTransactionSchema).extend({ object: z.literal("list") }),
);

export const balanceTransactionsQuery = z
  .strictObject({
    ...cursorQuery(idSchema("txn")),
    currency: currencySchema.optional(),
    type: z.enum(BALANCE_TRANSACTION_TYPES).optional(),
  })
  .refine((q) => !(q.starting_after && q.ending_before), {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });

/** `YYYY-MM`: one calendar month (UTC). */
export const statementQuery = z.strictObject({
  month: z
    .string()
    .regex(/^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$/, "must be a month like 2026-12")
    .describe("Calendar month, UTC"),
  currency: currencySchema.optional(),
});

/** CSV columns of the monthly statement, in order. */
export const STATEMENT_CSV_COLUMNS = [
  "id",
  "created_at",
  "type",
  "source_id",
  "description",
  "currency",
  "gross",
  "fee",
  "net",
  "status",
  "available_on",
] as const;

export const bankAccountBody = z.strictObject({
  account_number: z
    .string()
    // At least 4 letters or digits (the last 4 are what is kept), single spaces between groups allowed.
    .regex(/^(?:[0-9A-Za-z] ?){4,34}$/, "4 to 34 letters and digits (an IBAN or an account number)")
    .describe("Stored masked: only the last 4 characters are kept"),
});

export const bankAccountSchema = component(
  "BankAccount",
  z.object({ object: z.literal("bank_account"), last4: z.string(), updated_at: timestampSchema }),
);

export const payoutSchema = component(
  "Payout",
  z.object({
    id: idSchema("po"),
    object: z.literal("payout"),
    amount: amountSchema,
    currency: currencySchema,
    status: z.enum(PAYOUT_STATUSES),
    method: z.enum(["on_demand", "scheduled"]),
    bank_last4: z.string(),
    failure_code: z.string().nullable(),
    arrival_at: timestampSchema.nullable().describe("When the bank is expected to have it (once in transit)"),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  }),
);

export const payoutListSchema = component(
  "PayoutList",
  pageOf(payoutSchema).extend({ object: z.literal("list") }),
);

export const payoutsQuery = z
  .strictObject({ ...cursorQuery(idSchema("po")), status: z.enum(PAYOUT_STATUSES).optional() })
  .refine((q) => !(q.starting_after && q.ending_before), {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });

export const createPayoutBody = z.strictObject({ amount: amountSchema, currency: currencySchema });

/** One thing the reconciliation found wrong. */
export const ledgerProblemSchema = component(
  "LedgerProblem",
  z.object({
    kind: z.enum([
      "currency_unbalanced",
      "entry_unbalanced",
      "account_mismatch",
      "pending_mismatch",
      "payment_missing",
      "refund_missing",
    ]),
    subject: z.string().describe("The currency, entry, account, payment or refund concerned"),
    detail: z.string(),
  }),
);

/** Per currency: the journal's totals by kind of account (Σ of all of them is 0 when balanced). */
export const ledgerCurrencySchema = component(
  "LedgerCurrency",
  z.object({
    currency: currencySchema,
    postings_sum: signedAmount,
    customer_spent: signedAmount,
    vendor_pending: signedAmount,
    vendor_available: signedAmount,
    vendor_in_transit: signedAmount,
    fee_revenue: signedAmount,
    paid_out: signedAmount.describe("Processor clearing: what left through payouts"),
  }),
);

export const ledgerCheckSchema = component(
  "LedgerCheck",
  z.object({
    object: z.literal("ledger_check"),
    balanced: z.boolean(),
    checked_at: timestampSchema,
    entries: z.int().min(0),
    postings: z.int().min(0),
    accounts: z.int().min(0),
    currencies: z.array(ledgerCurrencySchema),
    problems: z.array(ledgerProblemSchema),
  }),
);

const idempotentHeaders = {
  "Idempotent-Replayed": "`true` when this is the stored answer to an earlier request with the same key",
};

export const balanceGet = operation({
  service: "payments",
  id: "balance.get",
  method: "get",
  path: "/balance",
  summary: "The vendor's balance: pending, available and in transit per currency, and the next payout",
  tags: ["balance"],
  security: "bearer",
  roles: ["vendor"],
  scopes: ["balance:read"],
  responses: { 200: { description: "Balance", schema: balanceSchema } },
  errors: [403],
});

export const balanceListTransactions = operation({
  service: "payments",
  id: "balance.listTransactions",
  method: "get",
  path: "/balance/transactions",
  summary: "The vendor's balance transactions, newest first (source, gross, fee, net)",
  tags: ["balance"],
  security: "bearer",
  roles: ["vendor"],
  scopes: ["balance:read"],
  query: balanceTransactionsQuery,
  responses: { 200: { description: "A page", schema: balanceTransactionListSchema } },
  errors: [403],
});

export const balanceStatement = operation({
  service: "payments",
  id: "balance.statement",
  method: "get",
  path: "/balance/statement.csv",
  summary: "Monthly statement: the month's balance transactions as CSV (amounts in minor units)",
  tags: ["balance"],
  security: "bearer",
  roles: ["vendor"],
  scopes: ["balance:read"],
  query: statementQuery,
  responses: { 200: { description: "CSV", mediaType: "text/csv", schema: z.string() } },
  errors: [403],
});

export const balanceSetBankAccount = operation({
  service: "payments",
  id: "balance.setBankAccount",
  method: "put",
  path: "/balance/bank-account",
  summary: "Set the bank account payouts go to (stored masked: last 4 only)",
  tags: ["balance"],
  security: "bearer",
  roles: ["vendor"],
  body: bankAccountBody,
  responses: { 200: { description: "The masked account", schema: bankAccountSchema } },
  errors: [403],
});

export const payoutsCreate = operation({
  service: "payments",
  id: "payouts.create",
  method: "post",
  path: "/payouts",
  summary: "Pay out part of the available balance now (Idempotency-Key required)",
  description:
    "At most the available balance of the currency (else 400 `insufficient_funds`); needs a bank account " +
    "(else 400 `no_bank_account`). Concurrent requests never pay out more than the balance.",
  tags: ["payouts"],
  security: "bearer",
  roles: ["vendor"],
  headers: idempotencyHeader,
  body: createPayoutBody,
  responses: {
    201: { description: "The payout, pending", schema: payoutSchema, headers: idempotentHeaders },
  },
  errors: [403, 409, 422],
});

export const payoutsList = operation({
  service: "payments",
  id: "payouts.list",
  method: "get",
  path: "/payouts",
  summary: "The vendor's payouts, newest first",
  tags: ["payouts"],
  security: "bearer",
  roles: ["vendor"],
  scopes: ["balance:read"],
  query: payoutsQuery,
  responses: { 200: { description: "A page", schema: payoutListSchema } },
  errors: [403],
});

export const ledgerCheck = operation({
  service: "payments",
  id: "ledger.check",
  method: "get",
  path: "/ledger/check",
  summary: "Reconciliation: Σ postings = 0 per currency, balances = postings, every success has its entries",
  description:
    "Runs the check now in one consistent snapshot. Payments and refunds that succeeded within the last " +
    "grace period (events in flight) are not counted as missing.",
  tags: ["ledger"],
  security: "bearer",
  roles: ["admin"],
  responses: { 200: { description: "The result", schema: ledgerCheckSchema } },
  errors: [403],
});

export const LEDGER_OPERATIONS = [
  balanceGet,
  balanceListTransactions,
  balanceStatement,
  balanceSetBankAccount,
  payoutsCreate,
  payoutsList,
  ledgerCheck,
] as const;
