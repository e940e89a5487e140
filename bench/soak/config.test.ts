import { expect, test } from "bun:test";
import { soakConfig } from "./config.ts";

test("the warm-up defaults to a third of the run, at most 10 minutes, and can be set", () => {
  expect(soakConfig(["--minutes", "30"]).warmupMinutes).toBe(10);
  expect(soakConfig(["--minutes=60"]).warmupMinutes).toBe(10);
  expect(soakConfig(["--minutes", "12"]).warmupMinutes).toBe(4);
  expect(soakConfig(["--minutes", "30", "--warmup-minutes", "5"]).warmupMinutes).toBe(5);
  expect(soakConfig([]).minutes).toBe(30);
});

test("--load sets fields of the soak's load by name, 0 turning a loop off, and refuses unknown ones", () => {
  expect(soakConfig([]).load.createsPerSecond).toBe(8);
  const load = soakConfig(["--load", "createsPerSecond=80,readsPerSecond=0"]).load;
  expect(load).toMatchObject({ createsPerSecond: 80, readsPerSecond: 0, loginEverySeconds: 5 });
  const exit = process.exit;
  const error = console.error;
  const codes: Array<number | undefined> = [];
  process.exit = ((code?: number) => {
    codes.push(code);
    throw new Error("exit");
  }) as typeof process.exit;
  console.error = () => {};
  try {
    for (const bad of [
      "creates=1",
      "readsPerSecond=-1",
      "customers=0",
      "createsPerSecond",
      "readsPerSecond=",
    ])
      expect(() => soakConfig(["--load", bad])).toThrow("exit");
  } finally {
    process.exit = exit;
    console.error = error;
  }
  expect(codes).toEqual([2, 2, 2, 2, 2]);
});
