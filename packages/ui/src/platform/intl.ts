/**
 * Intl formatters made once per locale and options for the whole page. Building one is the costly part of
 * formatting (Chromium loads ICU patterns for it, milliseconds each on a busy phone): made per component
 * and per render, they were a tenth of the admin dashboard's first render (Lighthouse's Total Blocking
 * Time, issue 18). An unknown locale falls back to English rather than throwing in a render.
 */

const dateTimes = new Map<string, Intl.DateTimeFormat>();
const numbers = new Map<string, Intl.NumberFormat>();

function cached<F>(cache: Map<string, F>, locale: string, options: object, make: (locale: string) => F): F {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key);
  if (!formatter) {
    try {
      formatter = make(locale);
    } catch {
      formatter = make("en");
    }
    cache.set(key, formatter);
  }
  return formatter;
}

/** A shared `Intl.DateTimeFormat` for `locale` and `options`. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dateTimes, locale, options, (l) => new Intl.DateTimeFormat(l, options));
}

/** A shared `Intl.NumberFormat` for `locale` and `options`. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached(numbers, locale, options, (l) => new Intl.NumberFormat(l, options));
}
