import { describe, expect, test } from "bun:test";
import { failedTests, SHOWN_FAILURES } from "./test-failures.ts";

describe("failedTests", () => {
  test("names bun's failed tests and leaves the passed ones out", () => {
    const output = [
      "services/auth/test/keys.test.ts:",
      "(pass) keys > rotates [3.00ms]",
      "(fail) keys > keeps the current key while its kid is unchanged [12.00ms]",
      "error: expect(received).toBe(expected)",
      "(fail) throttle > the 101st failed login is refused [9709.26ms]",
      " 1411 pass",
      " 2 fail",
    ].join("\n");
    expect(failedTests(output)).toBe(
      "(fail) keys > keeps the current key while its kid is unchanged [12.00ms] | " +
        "(fail) throttle > the 101st failed login is refused [9709.26ms]",
    );
  });

  test("names vitest's failed files and tests", () => {
    const output = [
      " ✓ src/ok.test.tsx (3 tests) 40ms",
      " FAIL  src/pages/balance.test.tsx > shows the balance",
      "   × shows the balance 31ms",
    ].join("\n");
    expect(failedTests(output)).toBe(
      "FAIL  src/pages/balance.test.tsx > shows the balance | × shows the balance 31ms",
    );
  });

  test("is undefined when nothing failed", () => {
    expect(failedTests("(pass) a [1.00ms]\n 1 pass\n 0 fail\n")).toBeUndefined();
  });

  test("shows the first names and counts the rest", () => {
    const output = Array.from({ length: SHOWN_FAILURES + 3 }, (_, i) => `(fail) test ${i}`).join("\n");
    const line = failedTests(output);
    expect(line?.split(" | ")).toHaveLength(SHOWN_FAILURES + 1);
    expect(line).toEndWith("| and 3 more");
  });
});
