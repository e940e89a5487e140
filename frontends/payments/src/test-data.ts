import type { Payment } from "@payments/api-client";

/** The signed-in test user's id (see `testGrant`). */
export const ME = "usr_01j9z3k7m8n9p0q1r2s3t4v5w6";
/** A vendor. */
export const VENDOR = "usr_01j9z3k7m8n9p0q1r2s3t4v5w9";

/** A payment as the API returns it, for tests. */
export function apiPayment(n: number, overrides: Partial<Payment> = {}): Payment {
  return {
    id: `pay_01j9z3k7m8n9p0q1r2s3t4v${String(n).padStart(3, "0")}`,
    object: "payment",
    payer_id: ME,
    payer_name: "Dana Buyer",
    payee_id: VENDOR,
    payee_name: "Northwind Books",
    amount: 1250,
    currency: "usd",
    status: "pending",
    amount_refunded: 0,
    description: `Order ${n}`,
    metadata: {},
    failure_code: null,
    failure_message: null,
    canceled_by: null,
    cancellation_reason: null,
    created_at: "2025-01-01T10:00:00.000Z",
    updated_at: "2025-01-01T10:00:00.000Z",
    ...overrides,
  };
}
