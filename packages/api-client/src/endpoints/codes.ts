import { isSupportedCurrency } from "@payments/contracts/browser";
import type { QueryOf, Schema } from "./call.ts";

/**
 * The contract lists the currencies and time zones the services accept as enums, so the generated request
 * types only take those. Form fields and the browser hold plain strings: these functions are where a
 * string becomes one of the listed values, checked against the same list the validator uses.
 */

/** A lowercase ISO-4217 code the platform knows (`components.schemas.Currency`). */
export type CurrencyCode = Schema<"Currency">;

/** An IANA time zone, as the reports' `time_zone` parameter lists them. */
export type TimeZoneName = NonNullable<QueryOf<"payments.summary">["time_zone"]>;

/** `code` as a {@link CurrencyCode}; throws for a code the platform does not know (the server would 400). */
export function currencyCode(code: string): CurrencyCode {
  if (!isSupportedCurrency(code)) throw new TypeError(`unknown currency code: ${code}`);
  return code as CurrencyCode;
}

/**
 * The browser's time zone as the contract's type. The list is the server runtime's canonical names, and
 * the service also accepts the aliases ICU knows (a browser may name Asia/Kolkata Asia/Calcutta), so the
 * browser's own zone is passed through unchanged.
 */
export function timeZoneName(zone: string): TimeZoneName {
  return zone as TimeZoneName;
}
