/**
 * Load generator for the payments benchmark, run as its own Bun process so the client's work does not share
 * the service's event loop. Reads one JSON argument, runs `connections` request loops until the deadline —
 * closed, or open at a fixed `ratePerSecond` (`bench/lib/load-loop.ts`) — and prints one JSON line of
 * results. Bounded in time (the duration plus {@link GRACE_MS} for answers) and aimed at a loopback URL only.
 */
import { runLoop } from "../lib/load-loop.ts";
import { type LatencySummary, summarize } from "../lib/stats.ts";

/** What the parent asks for. */
export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  /** Bearer tokens; connection `i` sends `tokens[i % tokens.length]` (one client per token). */
  tokens: string[];
  /** POST body; each request gets a fresh Idempotency-Key. */
  body?: unknown;
  connections: number;
  durationMs: number;
  /** Open loop at this many requests/s over all connections; closed loop when absent. */
  ratePerSecond?: number;
}

/** What the child reports; times in ms. */
export interface LoadResult {
  requests: number;
  errors: number;
  /** Open loop: requests due before the deadline that were never sent (their connection was busy). */
  unsent: number;
  elapsedMs: number;
  /**
   * Ascending. Open loop: from when each request was due, unsent ones included with what they had waited by
   * the end; closed loop: from sending. All of them, not a summary, as before the open loop existed.
   */
  latencies: number[];
  /** From sending each request to its answer, whatever the loop. */
  serviceTime: LatencySummary;
  /** Open loop: how late requests went out whose connection was idle (this client's own delay). */
  startLag: LatencySummary;
  statuses: Record<string, number>;
  /** CPU time this load generator used (user + system). */
  cpuMs: number;
}

const GRACE_MS = 10_000;

async function run(spec: LoadSpec): Promise<LoadResult> {
  const host = new URL(spec.url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost")
    throw new Error("load: only loopback targets are allowed");
  const statuses: Record<string, number> = {};
  const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  // Bounds the run when the server stops answering: whatever is still in flight this long after the last
  // request could start is abandoned and counted as an error. One timer for the run, not one per request.
  const giveUp = new AbortController();
  const watchdog = setTimeout(() => giveUp.abort(), spec.durationMs + GRACE_MS);
  const send = async (connection: number, index: number) => {
    const token = spec.tokens[connection % spec.tokens.length] ?? "";
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (payload) {
      headers["content-type"] = "application/json";
      headers["idempotency-key"] = `bench-${connection}-${index}-${crypto.randomUUID()}`;
    }
    const res = await fetch(spec.url, { method: spec.method, headers, body: payload, signal: giveUp.signal });
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    return res.status < 400;
  };
  const cpuBefore = process.cpuUsage();
  const result = await runLoop({
    connections: spec.connections,
    durationMs: spec.durationMs,
    ratePerSecond: spec.ratePerSecond,
    send,
  });
  clearTimeout(watchdog);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: result.requests,
    errors: result.errors,
    unsent: result.unsent,
    elapsedMs: result.elapsedMs,
    latencies: result.latencies,
    serviceTime: summarize(result.serviceTimes),
    startLag: summarize(result.startLags),
    statuses,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (import.meta.main) {
  const arg = process.argv[2];
  if (!arg) throw new Error("usage: bun bench/payments/load.ts '<json spec>'");
  const result = await run(JSON.parse(arg) as LoadSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
