import { describe, expect, it } from "vitest";
import { formatMoney, fromMinorUnits, toMinorUnits } from "./money.ts";

describe("toMinorUnits: major → minor by the currency's exponent", () => {
  it.each([
    ["1999", "jpy", 1999],
    ["12.34", "usd", 1234],
    ["0.29", "usd", 29],
    ["12.3", "usd", 1230],
    ["12", "usd", 1200],
    [".5", "usd", 50],
    ["1.234", "bhd", 1234],
    ["0.001", "bhd", 1],
    ["1.2", "bhd", 1200],
    ["10000000000", "usd", 1_000_000_000_000],
  ])("%s %s → %d", (input, currency, expected) => {
    expect(toMinorUnits(input, currency)).toEqual({ ok: true, amount: expected });
  });

  it("refuses more decimals than the currency has instead of rounding", () => {
    expect(toMinorUnits("100.5", "jpy")).toMatchObject({
      ok: false,
      reason: "precision",
      message: "JPY amounts take whole numbers only.",
    });
    expect(toMinorUnits("1.999", "usd")).toMatchObject({ ok: false, reason: "precision" });
    expect(toMinorUnits("1.2345", "bhd")).toMatchObject({ ok: false, reason: "precision" });
  });

  it("refuses zero, negatives, text and amounts over the platform maximum", () => {
    expect(toMinorUnits("0", "usd")).toMatchObject({ ok: false, reason: "range" });
    expect(toMinorUnits("0.00", "usd")).toMatchObject({ ok: false, reason: "range" });
    expect(toMinorUnits("-5", "usd")).toEqual({
      ok: false,
      reason: "range",
      message: "The amount must be more than zero.",
    });
    expect(toMinorUnits("\u22123,50", "eur", "de")).toMatchObject({ ok: false, reason: "range" });
    expect(toMinorUnits("-", "usd")).toMatchObject({ ok: false, reason: "format" });
    expect(toMinorUnits("12abc", "usd")).toMatchObject({ ok: false, reason: "format" });
    expect(toMinorUnits("1e3", "usd")).toMatchObject({ ok: false, reason: "format" });
    expect(toMinorUnits("", "usd")).toMatchObject({ ok: false, reason: "empty" });
    expect(toMinorUnits("10000000000.01", "usd")).toMatchObject({ ok: false, reason: "range" });
  });

  it("reads the user's locale: grouping and decimal marks", () => {
    expect(toMinorUnits("1,234.56", "usd", "en-US")).toEqual({ ok: true, amount: 123456 });
    expect(toMinorUnits("1.234,56", "eur", "de-DE")).toEqual({ ok: true, amount: 123456 });
    expect(toMinorUnits("1 234,56", "eur", "fr-FR")).toEqual({ ok: true, amount: 123456 });
    expect(toMinorUnits("1,234", "jpy", "en-US")).toEqual({ ok: true, amount: 1234 });
  });

  it("takes a lone '.' or ',' as the decimal mark whatever the locale", () => {
    expect(toMinorUnits("12.50", "eur", "de-DE")).toEqual({ ok: true, amount: 1250 });
    expect(toMinorUnits("12,50", "usd", "en-US")).toEqual({ ok: true, amount: 1250 });
  });
});

describe("fromMinorUnits", () => {
  it("gives exact decimal text", () => {
    expect(fromMinorUnits(123450, "usd")).toBe("1234.50");
    expect(fromMinorUnits(5, "usd")).toBe("0.05");
    expect(fromMinorUnits(500, "jpy")).toBe("500");
    expect(fromMinorUnits(1, "bhd")).toBe("0.001");
    expect(fromMinorUnits(1_000_000_000_000, "usd")).toBe("10000000000.00");
  });

  it("round-trips with toMinorUnits", () => {
    for (const [amount, currency] of [
      [1, "usd"],
      [99, "jpy"],
      [123456789, "bhd"],
    ] as const) {
      expect(toMinorUnits(fromMinorUnits(amount, currency), currency)).toEqual({ ok: true, amount });
    }
  });
});

/** Intl puts no-break spaces between amount and code; compare with plain spaces. */
const plain = (text: string) => text.replace(/\s/gu, " ");

describe("formatMoney", () => {
  it("formats with Intl in the user's locale and the currency's own digits", () => {
    expect(formatMoney(123450, "usd", "en-US")).toBe("$1,234.50");
    expect(formatMoney(500, "jpy", "en-US")).toBe("¥500");
    expect(plain(formatMoney(1234, "bhd", "en-US"))).toBe("BHD 1.234");
    expect(plain(formatMoney(123450, "eur", "de-DE"))).toBe("1.234,50 €");
  });

  it("does not lose cents on large amounts", () => {
    expect(formatMoney(999_999_999_999, "usd", "en-US")).toBe("$9,999,999,999.99");
  });
});
