import { z } from "zod";
import { amountSchema, currencySchema, MAX_AMOUNT } from "../money/index.ts";

/** Smallest and largest amount of one payment, in minor units. */
const limitSchema = z
  .strictObject({ min_amount: amountSchema, max_amount: amountSchema })
  .refine((l) => l.min_amount <= l.max_amount, {
    message: "min_amount must not exceed max_amount",
    path: ["min_amount"],
  });

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
    .refine((list) => new Set(list).size === list.length, "must not repeat a currency"),
  /** Limits of a single payment: a default, and optional overrides per currency (minor units differ). */
  payment_limits: z.strictObject({
    default: limitSchema,
    per_currency: z
      .record(currencySchema, limitSchema)
      .refine((r) => Object.keys(r).length <= 50, "at most 50 currencies")
      .default({}),
  }),
  /** A banner every frontend shows while it is enabled. */
  maintenance_banner: z
    .strictObject({
      enabled: z.boolean(),
      message: z.string().trim().max(500),
      level: z.enum(["info", "warning", "critical"]),
    })
    .refine((b) => !b.enabled || b.message.length > 0, {
      message: "an enabled banner needs a message",
      path: ["message"],
    }),
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
