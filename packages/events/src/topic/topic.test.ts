import { describe, expect, it } from "bun:test";
import { isValidTopicPattern, topicMatches } from "./topic.ts";

describe("topicMatches", () => {
  const cases: Array<[string, string, boolean]> = [
    ["payment.created", "payment.created", true],
    ["payment.created", "payment.failed", false],
    ["payment.*", "payment.created", true],
    ["payment.*", "payment", false],
    ["payment.*", "payment.created.v2", false],
    ["payment.*", "refund.succeeded", false],
    ["*.succeeded", "refund.succeeded", true],
    ["*", "payment", true],
    ["*", "", false],
    ["#", "payment.created", true],
    ["#", "payment", true],
    ["#", "", true],
    ["payment.#", "payment", true],
    ["payment.#", "payment.created", true],
    ["payment.#", "payment.a.b.c", true],
    ["payment.#", "paymentx.created", false],
    ["#.created", "payment.created", true],
    ["#.created", "created", true],
    ["#.created", "payment.created.no", false],
    ["a.#.z", "a.z", true],
    ["a.#.z", "a.b.c.z", true],
    ["a.#.z", "a.b.c", false],
    ["a.*.#", "a", false],
    ["a.*.#", "a.b", true],
    ["#.#", "a.b.c", true],
    ["user.*", "user.role_changed", true],
  ];
  for (const [pattern, key, expected] of cases) {
    it(`${pattern} ${expected ? "matches" : "does not match"} "${key}"`, () => {
      expect(topicMatches(pattern, key)).toBe(expected);
    });
  }

  it("stays fast on pathological # patterns", () => {
    const pattern = Array.from({ length: 30 }, () => "#").join(".");
    const key = `${Array.from({ length: 60 }, () => "w").join(".")}.x`;
    expect(topicMatches(`${pattern}.y`, key)).toBe(false);
  });
});

describe("isValidTopicPattern", () => {
  it("accepts words, * and #", () => {
    for (const p of ["payment.created", "payment.*", "#", "*.succeeded", "user.#", "role_changed"]) {
      expect(isValidTopicPattern(p)).toBe(true);
    }
  });

  it("rejects empty words, wildcards inside words and other characters", () => {
    for (const p of [
      "",
      "payment.",
      ".payment",
      "payment..created",
      "pay*",
      "pay#ment",
      "Payment.Created",
      "a b",
    ]) {
      expect(isValidTopicPattern(p)).toBe(false);
    }
  });
});
