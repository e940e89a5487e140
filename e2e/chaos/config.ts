/**
 * Settings of the chaos run. CHAOS_MODE=full (`bun run --cwd e2e chaos`) is the long run documented in
 * docs/quality.md; the default `short` is the variant `bun run test` runs.
 */
import type { ChaosOptions } from "./scenario.ts";

/** Chaos settings from the environment, minus the log path and progress callback. */
export function readChaosConfig(): Omit<ChaosOptions, "log" | "onProgress"> & { mode: "short" | "full" } {
  const mode = process.env.CHAOS_MODE === "full" ? "full" : "short";
  const baseEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The platform gets its servers from the run, never from the caller's environment.
    if (value === undefined || key.endsWith("_URL") || key.endsWith("_PORT")) continue;
    baseEnv[key] = value;
  }
  return mode === "full"
    ? { mode, warmupMs: 10_000, outageMs: 15_000, concurrency: 6, drainTimeoutMs: 240_000, baseEnv }
    : { mode, warmupMs: 3_000, outageMs: 5_000, concurrency: 4, drainTimeoutMs: 180_000, baseEnv };
}
