/** The one place the gateway benchmark reads the environment. */
export interface BenchEnv {
  /** PATH of the Caddy child. */
  path: string;
  /** Redis of the rate-limit counters (`REDIS_URL`, else the local one); unreachable → memory, as the table says. */
  redisUrl: string;
  /** `BENCH_PROFILE=1`: run the gateway under `bun --cpu-prof` and write the profile to bench/out/. */
  profile: boolean;
  /** Seconds of load per row or slice (default 3). */
  seconds: number;
}

export function benchEnv(): BenchEnv {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  return {
    path: process.env.PATH ?? "/usr/bin:/bin",
    redisUrl: process.env.REDIS_URL || "redis://127.0.0.1:6379",
    profile: process.env.BENCH_PROFILE === "1",
    seconds: Number.isFinite(seconds) && seconds >= 1 ? Math.round(seconds) : 3,
  };
}
