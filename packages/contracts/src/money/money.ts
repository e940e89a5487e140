import { z } from "zod";
import { isSupportedCurrency, MAX_AMOUNT, SUPPORTED_CURRENCY_CODES } from "./units.ts";

export { isSupportedCurrency, MAX_AMOUNT, minorUnitExponent } from "./units.ts";

/**
 * Lowercase ISO-4217 currency code (`"usd"`, `"jpy"`), as the API and events carry it. The refinement and
 * the documented `enum` are the same set (ICU's list minus codes that are not money), so a client generated
 * from the OpenAPI document offers exactly what the validator accepts.
 */
export const currencySchema = z
  .string()
  .regex(/^[a-z]{3}$/, "must be a lowercase three-letter ISO-4217 code")
  .refine(isSupportedCurrency, "unknown currency")
  .meta({ enum: [...SUPPORTED_CURRENCY_CODES] });

/** A currency code that passed {@link currencySchema}. */
export type Currency = z.infer<typeof currencySchema>;

/** A positive amount in integer minor units (cents for usd, yen for jpy); never a float. */
export const amountSchema = z.int().min(1).max(MAX_AMOUNT);
