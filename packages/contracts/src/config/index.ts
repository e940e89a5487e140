import { z } from "zod";
import { amountSchema, currencySchema, MAX_AMOUNT } from "../money/index.ts";

/** Smallest and largest amount of one payment, in minor units. */
const limitSchema = z
  .strictObject({ min_amount: amountSchema, max_amount: amountSchema })
  .refine((l) => l.min_amount <= l.max_amount, {
    message: "min_amount must not exceed max_amount",
    path: ["min_amount"],
  })
  .describe("min_amount must not exceed max_amount");

/**
 * The platform fee on every succeeded payment (docs/adr/0032): `percent_bps` basis points of the amount,
 * rounded half up to a whole minor unit, plus `fixed` minor units of the payment's currency (none listed: 0),
 * never more than the amount. `refunds`: `keep` (the platform keeps the whole fee and the vendor's balance
 * bears the whole refund) or `return` (the fee is returned in proportion to the amount refunded).
 */
export const feeScheduleSchema = z.strictObject({
  percent_bps: z.int().min(0).max(10_000),
  fixed: z
    .record(currencySchema, z.int().min(0).max(MAX_AMOUNT))
    .refine((r) => Object.keys(r).length <= 50, "at most 50 currencies")
    .meta({ maxProperties: 50 })
    .default({}),
  refunds: z.enum(["keep", "return"]),
});

/** A valid {@link feeScheduleSchema} value. */
export type FeeSchedule = z.infer<typeof feeScheduleSchema>;

/** The fee schedule before an admin sets one: 2.9 % + 30 cents (or 25 cents, 20 pence); fees kept on refunds. */
export const DEFAULT_FEES: FeeSchedule = {
  percent_bps: 290,
  fixed: { usd: 30, eur: 25, gbp: 20 },
  refunds: "keep",
};

/**
 * The platform's system configuration: typed, every field bounded, unknown fields refused. A change is a
 * new version (see `config_versions`) announced by `config.updated`.
 */
export const systemConfigSchema = z.strictObject({
  /** Currencies payments may be made in (lowercase ISO-4217). */
  supported_currencies: z
    .array(currencySchema)
    .min(1)
    .max(50)
    .refine((list) => new Set(list).size === list.length, "must not repeat a currency")
    .meta({ uniqueItems: true }),
  /** Limits of a single payment: a default, and optional overrides per currency (minor units differ). */
  payment_limits: z.strictObject({
    default: limitSchema,
    per_currency: z
      .record(currencySchema, limitSchema)
      .refine((r) => Object.keys(r).length <= 50, "at most 50 currencies")
      .meta({ maxProperties: 50 })
      .default({}),
  }),
  /** A banner every frontend shows while it is enabled. */
  maintenance_banner: z
    .strictObject({
      enabled: z.boolean(),
      // Bounded as sent, then trimmed: the bound JSON Schema states (its maxLength counts what is sent).
      message: z.string().max(500).trim(),
      level: z.enum(["info", "warning", "critical"]),
    })
    .refine((b) => !b.enabled || b.message.length > 0, {
      message: "an enabled banner needs a message",
      path: ["message"],
    })
    // The refinement above, as the HTTP contract documents it: disabled, or a message that is not blank.
    .meta({
      anyOf: [{ properties: { enabled: { const: false } } }, { properties: { message: { pattern: "\\S" } } }],
    }),
  /**
   * Sign-in rules. `require_admin_2fa`: administrators must sign in with a second factor (docs/adr/0018);
   * an admin without one is sent to enrol, and the admin service refuses their tokens until they have.
   * Defaulted, so settings stored before it existed still parse.
   */
  security: z.strictObject({ require_admin_2fa: z.boolean() }).default({ require_admin_2fa: false }),
  /** Platform fees (docs/adr/0032). Defaulted, so settings stored before it existed still parse. */
  fees: feeScheduleSchema.default(DEFAULT_FEES),
});

/** A valid {@link systemConfigSchema} value. */
export type SystemConfig = z.infer<typeof systemConfigSchema>;

/**
 * What the platform runs with before any admin changed anything (version 0): the payments service's own
 * defaults, so the configuration tells the truth from the start.
 */
export const DEFAULT_SYSTEM_CONFIG: SystemConfig = {
  supported_currencies: ["usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "sek"],
  payment_limits: { default: { min_amount: 1, max_amount: MAX_AMOUNT }, per_currency: {} },
  maintenance_banner: { enabled: false, message: "", level: "info" },
  security: { require_admin_2fa: false },
  fees: DEFAULT_FEES,
};

/**
 * What a consumer (the payments service, a frontend) reads of `GET /api/admin/config/public`: the fields it
 * acts on, parsed tolerantly — unknown settings a newer admin service adds are ignored, not refused.
 */
export const publicConfigSchema = z.object({
  version: z.int().min(0),
  settings: z.object({
    supported_currencies: z.array(currencySchema).min(1).max(50),
    payment_limits: z.object({
      default: limitSchema,
      per_currency: z.record(currencySchema, limitSchema).default({}),
    }),
    fees: feeScheduleSchema.default(DEFAULT_FEES),
  }),
});

/** A parsed {@link publicConfigSchema}. */
export type PublicConfig = z.infer<typeof publicConfigSchema>;

/** The limits that apply to a payment in `currency`: its own override, else the default. */
export function paymentLimitsFor(
  limits: SystemConfig["payment_limits"] | PublicConfig["settings"]["payment_limits"],
  currency: string,
): { min_amount: number; max_amount: number } {
  return Object.hasOwn(limits.per_currency, currency)
    ? (limits.per_currency[currency] ?? limits.default)
    : limits.default;
}
