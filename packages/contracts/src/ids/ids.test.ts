import { describe, expect, it, test } from "bun:test";
import { idSchema, idTimestamp, newId } from "./ids.ts";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
function decodeBase32(text: string): bigint {
  let n = 0n;
  for (const ch of text) n = n * 32n + BigInt(CROCKFORD.indexOf(ch));
  return n;
}

describe("newId", () => {
  it("makes a lowercase prefixed ULID", () => {
    const id = newId("pay");
    expect(id).toMatch(/^pay_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id.toLowerCase()).toBe(id);
  });

  it("sorts in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId("evt"));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("does not step by one within a millisecond (the next ID is not derivable from the previous)", () => {
    const ids = Array.from({ length: 2000 }, () => newId("usr"));
    // Find consecutive IDs sharing a time part; their random parts must differ by more than 1.
    const sameMs = ids.slice(1).filter((id, i) => id.slice(4, 14) === ids[i]?.slice(4, 14));
    expect(sameMs.length).toBeGreaterThan(0);
    let stepsOfOne = 0;
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] ?? "";
      const cur = ids[i] ?? "";
      if (prev.slice(4, 14) !== cur.slice(4, 14)) continue;
      const step = decodeBase32(cur.slice(14)) - decodeBase32(prev.slice(14));
      expect(step).toBeGreaterThan(0n);
      if (step === 1n) stepsOfOne++;
    }
    expect(stepsOfOne).toBeLessThan(sameMs.length / 10);
  });

  it("carries its creation time", () => {
    const before = Date.now();
    const id = newId("re");
    const ms = idTimestamp(id);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
    expect(idTimestamp("pay_nope")).toBeUndefined();
  });
});

describe("idSchema", () => {
  it("accepts IDs of its prefix only", () => {
    const schema = idSchema("pay");
    expect(schema.safeParse(newId("pay")).success).toBe(true);
    expect(schema.safeParse(newId("usr")).success).toBe(false);
    expect(schema.safeParse(newId("pay").toUpperCase()).success).toBe(false);
    expect(schema.safeParse("pay_").success).toBe(false);
    expect(schema.safeParse(`${newId("pay")}x`).success).toBe(false);
    // A time part above 2^48 - 1 (first character > 7) is not a ULID.
    expect(schema.safeParse(`pay_8${"0".repeat(25)}`).success).toBe(false);
    expect(schema.safeParse(42).success).toBe(false);
  });

  it("does not confuse a prefix that is the start of another", () => {
    expect(idSchema("re").safeParse(`req_${"0".repeat(26)}`).success).toBe(false);
    expect(idSchema("re").safeParse(`re_${"0".repeat(26)}`).success).toBe(true);
  });
});

test("a malformed id is refused with a message naming the shape, not zod's bare 'Invalid input'", () => {
  const result = idSchema("usr").safeParse("bob");
  expect(result.success).toBe(false);
  expect(result.error?.issues[0]?.message).toContain("usr_");
  expect(idSchema("usr").safeParse(newId("usr")).success).toBe(true);
});
