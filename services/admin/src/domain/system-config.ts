import { amountSchema, currencySchema, MAX_AMOUNT } from "@payments/contracts";
import { z } from "zod";

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Dotted paths of the leaves that differ between two configurations (`payment_limits.default.max_amount`);
 * arrays count as one leaf. Sorted, so the same change always names the same keys.
 */
export function changedKeys(before: unknown, after: unknown, prefix = ""): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changed: string[] = [];
    for (const key of keys) {
      changed.push(...changedKeys(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    }
    return changed.sort();
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || "(root)"];
}
