// Zod-free on purpose: browsers import these through `@payments/contracts/browser` without the schemas
// built on them (roleSchema, paymentStatusSchema).

/** A user's role: `customer` pays, `vendor` receives, `admin` governs. */
export const ROLES = ["customer", "vendor", "admin"] as const;

/** Payment states (ARCHITECTURE §4). */
export const PAYMENT_STATUSES = [
  "pending",
  "processing",
  "succeeded",
  "failed",
  "canceled",
  "partially_refunded",
  "refunded",
] as const;
