// Zod-free on purpose: browsers import these through `@payments/contracts/browser` without the schemas.

/**
 * ICU's currency list (ISO-4217, current and historic) minus codes that are not money a customer pays with:
 * testing/no-currency codes, precious metals and supranational units of account (ISO gives them no minor
 * unit, so an integer amount would be meaningless).
 */
const NOT_PAYABLE = new Set([
  "xts",
  "xxx",
  "xau",
  "xag",
  "xpd",
  "xpt",
  "xdr",
  "xsu",
  "xua",
  "xba",
  "xbb",
  "xbc",
  "xbd",
]);

const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set(
  Intl.supportedValuesOf("currency")
    .map((code) => code.toLowerCase())
    .filter((code) => !NOT_PAYABLE.has(code)),
);

/** True when `code` is a lowercase ISO-4217 code the platform accepts. */
export function isSupportedCurrency(code: string): boolean {
  return SUPPORTED_CURRENCIES.has(code);
}

/** Largest amount a single payment or refund may carry, in minor units (10^12: ten billion dollars). */
export const MAX_AMOUNT = 1_000_000_000_000;

const exponentCache = new Map<string, number>();

/**
 * Number of minor-unit digits of `currency` per ISO-4217: 0 for jpy/krw, 3 for bhd/kwd, 2 for most. Taken
 * from ICU through `Intl` (which follows ISO here) so the table needs no upkeep; unknown codes fall back to 2.
 */
export function minorUnitExponent(currency: string): number {
  const code = currency.toLowerCase();
  const cached = exponentCache.get(code);
  if (cached !== undefined) return cached;
  let digits = 2;
  if (/^[a-z]{3}$/.test(code)) {
    try {
      const options = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions();
      digits = options.maximumFractionDigits ?? 2;
    } catch {
      // Intl rejects malformed codes; the documented default applies.
    }
  }
  exponentCache.set(code, digits);
  return digits;
}
