/**
 * Load generator for the payments benchmark, run as its own Bun process so the client's work does not share
 * the service's event loop. Reads one JSON argument, runs `connections` request loops until the deadline,
 * prints one JSON line of results. Bounded in time and aimed at a loopback URL only.
 */

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
}

/** What the child reports. */
export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  /** Latencies in ms, sorted ascending. */
  latencies: number[];
  statuses: Record<string, number>;
  /** CPU time this load generator used (user + system), ms. */
  cpuMs: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const host = new URL(spec.url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost")
    throw new Error("load: only loopback targets are allowed");
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const loop = async (worker: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const token = spec.tokens[worker % spec.tokens.length] ?? "";
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (payload) {
        headers["content-type"] = "application/json";
        headers["idempotency-key"] = `bench-${worker}-${i}-${crypto.randomUUID()}`;
      }
      const t0 = performance.now();
      try {
        const res = await fetch(spec.url, { method: spec.method, headers, body: payload });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status >= 400) errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, w) => loop(w)));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    elapsedMs,
    latencies,
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
