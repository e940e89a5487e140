// Zod-free on purpose: browsers import these through `@payments/contracts/browser` without the schemas.

/**
 * ISO 4217 List One, the currencies in use (published 2024-06-25, as the `currency-codes` package carries
 * it), minus codes that are not money a customer pays with: testing/no-currency codes, precious metals and
 * supranational units of account (ISO gives them no minor unit, so an integer amount would be meaningless).
 * A list of its own rather than the runtime's `Intl.supportedValuesOf("currency")`: that is ICU's, current
 * and historic, and differs between Bun and the browsers (Bun took GRD, Chromium did not), so the server,
 * the OpenAPI enum and the forms would disagree.
 */
const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set([
  "aed",
  "afn",
  "all",
  "amd",
  "ang",
  "aoa",
  "ars",
  "aud",
  "awg",
  "azn",
  "bam",
  "bbd",
  "bdt",
  "bgn",
  "bhd",
  "bif",
  "bmd",
  "bnd",
  "bob",
  "bov",
  "brl",
  "bsd",
  "btn",
  "bwp",
  "byn",
  "bzd",
  "cad",
  "cdf",
  "che",
  "chf",
  "chw",
  "clf",
  "clp",
  "cny",
  "cop",
  "cou",
  "crc",
  "cuc",
  "cup",
  "cve",
  "czk",
  "djf",
  "dkk",
  "dop",
  "dzd",
  "egp",
  "ern",
  "etb",
  "eur",
  "fjd",
  "fkp",
  "gbp",
  "gel",
  "ghs",
  "gip",
  "gmd",
  "gnf",
  "gtq",
  "gyd",
  "hkd",
  "hnl",
  "htg",
  "huf",
  "idr",
  "ils",
  "inr",
  "iqd",
  "irr",
  "isk",
  "jmd",
  "jod",
  "jpy",
  "kes",
  "kgs",
  "khr",
  "kmf",
  "kpw",
  "krw",
  "kwd",
  "kyd",
  "kzt",
  "lak",
  "lbp",
  "lkr",
  "lrd",
  "lsl",
  "lyd",
  "mad",
  "mdl",
  "mga",
  "mkd",
  "mmk",
  "mnt",
  "mop",
  "mru",
  "mur",
  "mvr",
  "mwk",
  "mxn",
  "mxv",
  "myr",
  "mzn",
  "nad",
  "ngn",
  "nio",
  "nok",
  "npr",
  "nzd",
  "omr",
  "pab",
  "pen",
  "pgk",
  "php",
  "pkr",
  "pln",
  "pyg",
  "qar",
  "ron",
  "rsd",
  "rub",
  "rwf",
  "sar",
  "sbd",
  "scr",
  "sdg",
  "sek",
  "sgd",
  "shp",
  "sle",
  "sos",
  "srd",
  "ssp",
  "stn",
  "svc",
  "syp",
  "szl",
  "thb",
  "tjs",
  "tmt",
  "tnd",
  "top",
  "try",
  "ttd",
  "twd",
  "tzs",
  "uah",
  "ugx",
  "usd",
  "usn",
  "uyi",
  "uyu",
  "uyw",
  "uzs",
  "ved",
  "ves",
  "vnd",
  "vuv",
  "wst",
  "xaf",
  "xcd",
  "xof",
  "xpf",
  "yer",
  "zar",
  "zmw",
  "zwg",
]);

/** Every lowercase ISO-4217 code the platform accepts, sorted (the OpenAPI document lists them as an enum). */
export const SUPPORTED_CURRENCY_CODES: readonly string[] = [...SUPPORTED_CURRENCIES].sort();

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
