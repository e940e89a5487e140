/**
 * The one place the soak run reads its arguments and the environment. `--minutes N` (default 30),
 * `--warmup-minutes N` (default: a third of the run, at most 10), `--sample-seconds N` (default 5),
 * `--load name=value,…` (default: `SOAK_LOAD`; a rate or period of 0 turns that loop off, so one kind of
 * request can be run alone and faster, to see which one the memory follows — ADR 0048). The
 * platform inherits this process's environment, so server URLs set here make it use the real servers, as
 * `bun run start` does; ports, origins and rate limits are the run's own.
 */
import { z } from "zod";
import { SOAK_LOAD } from "./load-stats.ts";

const args = z.object({
  minutes: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  warmupMinutes: z.coerce.number().min(0).optional(),
  sampleSeconds: z.coerce.number().min(1).max(600).default(5),
  load: z.string().optional(),
});

const rate = z.coerce.number().min(0).max(10_000);
/** Each field of the soak's load that `--load` may set: the same names as `SOAK_LOAD`'s. */
const loadFields = z
  .object({
    customers: z.coerce.number().int().min(1).max(200),
    vendors: z.coerce.number().int().min(1).max(200),
    createsPerSecond: rate,
    readsPerSecond: rate,
    loginEverySeconds: rate,
    registerEverySeconds: rate,
    sockets: z.coerce.number().int().min(0).max(1_000),
    reconnectEverySeconds: rate,
  })
  .partial()
  .strict();

/** The soak's load shape: `SOAK_LOAD` with what `--load a=1,b=2` sets. */
export type SoakLoad = { -readonly [K in keyof typeof SOAK_LOAD]: number };

/** Settings of one soak run. */
export interface SoakConfig {
  minutes: number;
  warmupMinutes: number;
  sampleSeconds: number;
  load: SoakLoad;
  /** The environment the platform starts from (this process's). */
  env: Record<string, string>;
  /** Which real servers the platform will use (their variables are set), for the report. */
  realServers: string[];
}

/** Parses `--name value` / `--name=value` pairs; exits with a readable message on bad input. */
export function soakConfig(argv: string[] = Bun.argv.slice(2)): SoakConfig {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i] ?? "");
    if (!m?.[1]) continue;
    const key = m[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    raw[key] = m[2] ?? argv[++i] ?? "";
  }
  const parsed = args.safeParse(raw);
  const pairs = (parsed.data?.load ?? "").split(",").filter(Boolean);
  // Each pair needs a number: a bare name would leave its field undefined, an empty value coerce to 0 (off).
  const malformed = pairs.find((kv) => !/^[a-zA-Z]+=\d+(\.\d+)?$/.test(kv));
  const load = loadFields.safeParse(Object.fromEntries(pairs.map((kv) => kv.split("=", 2))));
  if (!parsed.success || !load.success || malformed) {
    const why = malformed
      ? `--load: "${malformed}" is not name=number`
      : (parsed.error ?? load.error)?.message;
    console.error(`bench:soak: bad arguments: ${why}`);
    console.error(
      "usage: bun run bench:soak [--minutes 30] [--warmup-minutes N] [--sample-seconds 5] [--load createsPerSecond=80,readsPerSecond=0,…]",
    );
    process.exit(2);
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  const minutes = parsed.data.minutes;
  return {
    minutes,
    // RSS climbs for 5–10 minutes after start before its sawtooth settles (ADR 0041): a shorter warm-up
    // counts part of that climb as drift.
    warmupMinutes: parsed.data.warmupMinutes ?? Math.min(10, minutes / 3),
    sampleSeconds: parsed.data.sampleSeconds,
    load: { ...SOAK_LOAD, ...load.data },
    env,
    realServers: Object.keys(env)
      .filter((k) => /^(REDIS|RABBITMQ|[A-Z]+_DATABASE)_URL$/.test(k) && env[k])
      .sort(),
  };
}
