import { MAX_AMOUNT, minorUnitExponent } from "@payments/contracts/browser";

/** Result of {@link toMinorUnits}: the integer amount, or why the text is not an amount. */
export type MinorUnitsResult =
  | { ok: true; amount: number }
  | { ok: false; reason: "empty" | "format" | "precision" | "range"; message: string };

interface Separators {
  group: string;
  decimal: string;
}

const separatorCache = new Map<string, Separators>();

function separators(locale: string): Separators {
  const cached = separatorCache.get(locale);
  if (cached) return cached;
  let group = ",";
  let decimal = ".";
  try {
    for (const part of new Intl.NumberFormat(locale).formatToParts(12345.6)) {
      if (part.type === "group") group = part.value;
      if (part.type === "decimal") decimal = part.value;
    }
  } catch {
    // Unknown locale: the defaults above (en) apply.
  }
  const result = { group, decimal };
  separatorCache.set(locale, result);
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Typed number text → plain "1234.5". The locale's decimal mark wins; without it, a valid grouping
 * ("1,234" in en, "1.234" in de) is grouping, and a lone "." or "," is a decimal mark whatever the locale,
 * because people type what their keyboard has ("12.50" in de means twelve and a half, not 1250).
 */
function normalizeNumber(input: string, { group, decimal }: Separators): string {
  const text = input.trim().replace(/[\s\u00a0\u202f']/g, "");
  const at = text.lastIndexOf(decimal);
  if (at >= 0) return `${text.slice(0, at).split(group).join("")}.${text.slice(at + 1)}`;
  if (group && new RegExp(`^\\d{1,3}(${escapeRegExp(group)}\\d{3})+$`).test(text))
    return text.split(group).join("");
  if (/^\d*[.,]\d*$/.test(text)) return text.replace(",", ".");
  return text;
}

/**
 * Converts an amount typed in major units ("12.34", "1,234.5", "1.234,5" in de) to integer minor units of
 * `currency` using its ISO-4217 exponent (jpy 0, usd 2, bhd 3). Pure string arithmetic: no float ever
 * touches the amount, so "0.29" is 29 cents, not 28.999…. More fraction digits than the currency has is
 * an error rather than a silent rounding.
 */
export function toMinorUnits(input: string, currency: string, locale = "en"): MinorUnitsResult {
  const exponent = minorUnitExponent(currency);
  const text = normalizeNumber(input, separators(locale));
  if (text === "") return { ok: false, reason: "empty", message: "Enter an amount." };
  // A minus sign (ASCII or U+2212) before a number is a clear intent, not a typo: say what is wrong with it.
  if (/^[-\u2212]\d*[.]?\d*$/.test(text) && /\d/.test(text)) {
    return { ok: false, reason: "range", message: "The amount must be more than zero." };
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === "" && !match[2]))
    return { ok: false, reason: "format", message: "Enter a number, like 12.50." };
  const whole = match[1] || "0";
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    const unit = exponent === 0 ? "whole numbers only" : `at most ${exponent} decimal places`;
    return {
      ok: false,
      reason: "precision",
      message: `${currency.toUpperCase()} amounts take ${unit}.`,
    };
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor < 1n) return { ok: false, reason: "range", message: "The amount must be more than zero." };
  if (minor > BigInt(MAX_AMOUNT)) return { ok: false, reason: "range", message: "The amount is too large." };
  return { ok: true, amount: Number(minor) };
}

/** Integer minor units → exact major-unit decimal text ("1234.50" for 123450 usd, "500" for 500 jpy). */
export function fromMinorUnits(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const negative = amount < 0;
  const digits = Math.abs(Math.trunc(amount))
    .toString()
    .padStart(exponent + 1, "0");
  const text =
    exponent === 0 ? digits : `${digits.slice(0, digits.length - exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${text}` : text;
}

const formatterCache = new Map<string, Intl.NumberFormat>();

/**
 * Formats integer minor units as money in the user's locale ("$1,234.50", "1.234,50 €", "¥500",
 * "BHD 1.234"). The exact decimal string goes to Intl, so large amounts are not rounded through a float.
 */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const code = currency.toUpperCase();
  const key = `${locale}|${code}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(locale, { style: "currency", currency: code });
    } catch {
      formatter = new Intl.NumberFormat("en", { style: "currency", currency: code });
    }
    formatterCache.set(key, formatter);
  }
  return formatter.format(fromMinorUnits(amount, currency) as Intl.StringNumericLiteral);
}
