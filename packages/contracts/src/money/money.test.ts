import { describe, expect, it } from "bun:test";
import { amountSchema, currencySchema, MAX_AMOUNT, minorUnitExponent } from "./money.ts";

describe("currencySchema", () => {
  it("accepts lowercase ISO-4217 codes", () => {
    for (const code of ["usd", "eur", "jpy", "gbp", "bhd", "krw"]) {
      expect(currencySchema.safeParse(code).success).toBe(true);
    }
  });

  it("rejects uppercase, wrong length, unknown and non-payable codes", () => {
    for (const code of ["USD", "us", "usdd", "zzz", "xts", "xau", "", "u$d"]) {
      expect(currencySchema.safeParse(code).success).toBe(false);
    }
    expect(currencySchema.safeParse(840).success).toBe(false);
  });
});

describe("amountSchema", () => {
  it("accepts integer minor units from 1 to 10^12", () => {
    expect(amountSchema.safeParse(1).success).toBe(true);
    expect(amountSchema.safeParse(1999).success).toBe(true);
    expect(amountSchema.safeParse(MAX_AMOUNT).success).toBe(true);
  });

  it("rejects zero, negatives, floats, too large and strings", () => {
    for (const value of [0, -1, 19.99, MAX_AMOUNT + 1, "1999", Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(amountSchema.safeParse(value).success).toBe(false);
    }
  });
});

describe("minorUnitExponent", () => {
  it("follows ISO-4217", () => {
    expect(minorUnitExponent("usd")).toBe(2);
    expect(minorUnitExponent("eur")).toBe(2);
    expect(minorUnitExponent("jpy")).toBe(0);
    expect(minorUnitExponent("krw")).toBe(0);
    expect(minorUnitExponent("vnd")).toBe(0);
    expect(minorUnitExponent("bhd")).toBe(3);
    expect(minorUnitExponent("kwd")).toBe(3);
    expect(minorUnitExponent("tnd")).toBe(3);
    expect(minorUnitExponent("clf")).toBe(4);
  });

  it("is case-insensitive and defaults to 2 for codes Intl does not know", () => {
    expect(minorUnitExponent("JPY")).toBe(0);
    expect(minorUnitExponent("zzz")).toBe(2);
    expect(minorUnitExponent("not a code")).toBe(2);
  });
});
