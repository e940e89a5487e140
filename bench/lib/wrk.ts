/**
 * `wrk` (C, Debian package `wrk`) as a load generator: a separate process that costs the machine far less CPU
 * per request than a JavaScript client, so more of the two shared cores is left to what is measured. Runs
 * asynchronously, so a server living in the calling process keeps serving meanwhile.
 */

/** What one wrk run measured. */
export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** Socket errors wrk counted (connect, read, write, timeout). */
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time wrk itself used (user + system), ms; 0 when parsed from text alone. */
  cpuMs: number;
}

/** Options of {@link runWrk}. */
export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

/** wrk prints latencies as `812.00us`, `4.61ms` or `1.02s`. */
export function wrkDurationMs(value: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value ?? "");
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

/** Parses the output of `wrk --latency`. */
export function parseWrk(out: string): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests,
    seconds: perSecond > 0 ? requests / perSecond : 0,
    perSecond,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    p50Ms: wrkDurationMs(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99Ms: wrkDurationMs(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]),
    cpuMs: 0,
  };
}

/** True when `wrk` is on PATH. */
export const hasWrk = (): boolean => Bun.which("wrk") !== null;

/** One thread, `connections` keep-alive connections, for `seconds`; throws when wrk fails to run. */
export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const host = new URL(opts.url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") throw new Error("wrk: only loopback targets are allowed");
  const headers = Object.entries(opts.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const proc = Bun.spawn(
    ["wrk", "-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--latency", ...headers, opts.url],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`wrk exited ${code}: ${err}`);
  const usage = proc.resourceUsage();
  return { ...parseWrk(out), cpuMs: usage ? Number(usage.cpuTime.total) / 1000 : 0 };
}
