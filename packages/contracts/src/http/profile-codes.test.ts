import { describe, expect, test } from "bun:test";
import { COUNTRY_CODES, caselessAlternation, LANGUAGE_CODES } from "./profile-codes.ts";
import { countrySchema, LOCALE_PATTERN, localeSchema } from "./profile-fields.ts";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Every two- and three-letter code. */
function allCodes(): string[] {
  const codes: string[] = [];
  for (const a of LETTERS)
    for (const b of LETTERS) {
      codes.push(a + b);
      for (const c of LETTERS) codes.push(a + b + c);
    }
  return codes;
}

const formattable = (tag: string) => Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;

describe("profile's closed lists", () => {
  test("the languages are exactly the canonical ones this runtime formats dates in", () => {
    const runtime = allCodes().filter((code) => {
      try {
        return Intl.getCanonicalLocales(code)[0] === code && formattable(code);
      } catch {
        return false;
      }
    });
    expect([...LANGUAGE_CODES]).toEqual(runtime);
  });

  test("every tag the locale pattern admits is one the runtime formats, stored canonical", () => {
    for (const language of LANGUAGE_CODES) {
      for (const tag of [language, `${language.toUpperCase()}-latn-us`, `${language}-419`]) {
        expect(LOCALE_PATTERN.test(tag)).toBe(true);
        const canonical = localeSchema.parse(tag);
        expect(formattable(canonical)).toBe(true);
      }
    }
  });

  test("the countries are regions ICU names, matched in any case", () => {
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (const code of COUNTRY_CODES) {
      expect(names.of(code)).not.toBe(code);
      expect(countrySchema.parse(` ${code.toLowerCase()} `)).toBe(code);
    }
    expect(countrySchema.safeParse("UK").success).toBe(false);
  });

  test("caseless alternation", () => {
    const pattern = new RegExp(`^${caselessAlternation(["ab", "c"])}$`);
    expect(["ab", "AB", "aB", "c", "C"].every((s) => pattern.test(s))).toBe(true);
    expect(["a", "abc", "b"].some((s) => pattern.test(s))).toBe(false);
  });
});
