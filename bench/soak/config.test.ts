import { expect, test } from "bun:test";
import { soakConfig } from "./config.ts";

test("the warm-up defaults to a third of the run, at most 10 minutes, and can be set", () => {
  expect(soakConfig(["--minutes", "30"]).warmupMinutes).toBe(10);
  expect(soakConfig(["--minutes=60"]).warmupMinutes).toBe(10);
  expect(soakConfig(["--minutes", "12"]).warmupMinutes).toBe(4);
  expect(soakConfig(["--minutes", "30", "--warmup-minutes", "5"]).warmupMinutes).toBe(5);
  expect(soakConfig([]).minutes).toBe(30);
});
