/**
 * Gateway overhead (not a timed test), side by side in one run: "hello" from raw Bun.serve, from a
 * service-kit service directly, through the gateway (rate limiting on Redis, per-user keys, metrics and
 * recording tracing all on), and through Caddy (TLS, the root Caddyfile) → gateway when `caddy` is
 * installed, with Caddy → raw Bun.serve as the edge's floor on this machine. Each server is its own
 * process; the load generator is `wrk` (C, Debian package `wrk`: `apt-get install -y wrk`), a separate
 * process too. Direct, gateway and Caddy → gateway are measured in four alternating slices each, so a
 * neighbour's burst on this shared machine lands on all of them; the Caddy rows send the Accept-Encoding a
 * browser sends, and wrk keeps its 50 TLS connections through a slice (handshakes happen once per slice). Reports requests/s, p50/p99 at 50 connections, CPU time per
 * request of each server process (from /proc), and p50/p99 at one connection — the added latency when
 * nothing queues. A gateway counting in memory only (as while Redis is down) shows what Redis costs.
 * Run: `flock /tmp/bench.lock bun bench/gateway/index.ts` (or `bun run bench gateway`).
 * `BENCH_PROFILE=1` also writes the gateway's CPU profile (`bun --cpu-prof-md`) under bench/out/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { atLeast, chartOf, writeFigures } from "../lib/figures.ts";
import { hasWrk, parseWrk } from "../lib/wrk.ts";
import { benchEnv } from "./config.ts";
import { closedConnectionsTo, startEdge } from "./edge.ts";

const here = new URL(".", import.meta.url).pathname;
const root = new URL("../..", import.meta.url).pathname;
const env = benchEnv();
const CONNECTIONS = 50;
const ROUNDS = 4;

interface Started {
  port: number;
  proc: Bun.Subprocess<"ignore", "pipe", "inherit">;
  token?: string;
  store?: string;
}

async function startServer(args: string[], bunFlags: string[] = []): Promise<Started> {
  const proc = Bun.spawn(["bun", ...bunFlags, `${here}servers.ts`, ...args], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return { ...(JSON.parse(new TextDecoder().decode(value)) as Omit<Started, "proc">), proc };
}

const TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** User + system CPU seconds a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

interface Measured {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU seconds used meanwhile, by watched process name. */
  cpu: Record<string, number>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Interleaved slices of one path as one measurement: totals summed, percentiles the slices' median. */
function combine(slices: Measured[]): Measured {
  const cpu: Record<string, number> = {};
  for (const m of slices) for (const [name, v] of Object.entries(m.cpu)) cpu[name] = (cpu[name] ?? 0) + v;
  return {
    requests: slices.reduce((n, m) => n + m.requests, 0),
    seconds: slices.reduce((n, m) => n + m.seconds, 0),
    p50: median(slices.map((m) => m.p50)),
    p99: median(slices.map((m) => m.p99)),
    cpu,
  };
}

function wrk(
  url: string,
  connections: number,
  seconds: number,
  watch: Record<string, number>,
  bearer = token,
  extraHeaders: string[] = [],
): Measured {
  const header = ["-H", `Authorization: Bearer ${bearer}`, ...extraHeaders.flatMap((h) => ["-H", h])];
  // Warm-up first: JIT, connection pools, Caddy's certificate.
  Bun.spawnSync(["wrk", "-t1", `-c${connections}`, "-d1s", ...header, url]);
  const before = Object.fromEntries(Object.entries(watch).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const out = Bun.spawnSync([
    "wrk",
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    ...header,
    url,
  ]).stdout.toString();
  const { requests, non2xx, seconds: ran, p50Ms, p99Ms } = parseWrk(out);
  if (requests === 0 || non2xx > 0)
    throw new Error(`wrk ${url}: ${requests} requests, ${non2xx} not 2xx\n${out}`);
  const cpu = Object.fromEntries(
    Object.entries(watch).map(([name, pid]) => [name, cpuSeconds(pid) - (before[name] ?? 0)]),
  );
  return {
    requests,
    seconds: ran,
    p50: p50Ms,
    p99: p99Ms,
    cpu,
  };
}

if (!hasWrk()) {
  console.log(
    "wrk is not installed: `apt-get install -y wrk` (Debian), then run again. Nothing was measured.",
  );
  process.exit(1);
}

const procs: Bun.Subprocess[] = [];
const scratch = mkdtempSync(join(tmpdir(), "bench-gateway-"));
let token = "";
try {
  const profileDir = join(root, "bench/out/gateway-profile");
  if (env.profile) mkdirSync(profileDir, { recursive: true });
  const raw = await startServer(["raw"]);
  const service = await startServer(["service"]);
  const gateway = await startServer(
    ["gateway", `http://127.0.0.1:${service.port}`, env.redisUrl],
    env.profile ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`] : [],
  );
  // The same gateway counting in memory only, as it does while Redis is down: what the shared store costs.
  const local = await startServer(["gateway", `http://127.0.0.1:${service.port}`]);
  procs.push(raw.proc, service.proc, gateway.proc, local.proc);
  token = gateway.token ?? "";
  const pids = { service: service.proc.pid, gateway: gateway.proc.pid };
  const urls = {
    raw: `http://127.0.0.1:${raw.port}/`,
    direct: `http://127.0.0.1:${service.port}/hello`,
    gateway: `http://127.0.0.1:${gateway.port}/api/hello/hello`,
    local: `http://127.0.0.1:${local.port}/api/hello/hello`,
    caddy: "",
  };
  const edge = await startEdge({ root, scratch, path: env.path, upstream: `127.0.0.1:${gateway.port}` });
  const edgeFloor = await startEdge({ root, scratch, path: env.path, upstream: `127.0.0.1:${raw.port}` });
  if (edge && edgeFloor) procs.push(edge.proc, edgeFloor.proc);
  const caddyPid = edge?.proc.pid;
  urls.caddy = edge ? `${edge.origin}/api/hello/hello` : "";
  // What a browser sends: Caddy decides per response whether to compress (ADR 0026).
  const BROWSER = ["Accept-Encoding: gzip, deflate, br, zstd"];

  const s = env.seconds;
  const rawRow = wrk(urls.raw, CONNECTIONS, s, {});
  // Direct, through-gateway and Caddy slices alternate, so a neighbour's burst on this shared machine lands
  // on all of them.
  const directSlices: Measured[] = [];
  const gatewaySlices: Measured[] = [];
  const caddySlices: Measured[] = [];
  let closedByCaddy = 0;
  for (let round = 0; round < ROUNDS; round++) {
    directSlices.push(wrk(urls.direct, CONNECTIONS, s, pids));
    gatewaySlices.push(wrk(urls.gateway, CONNECTIONS, s, pids));
    if (caddyPid) {
      const before = closedConnectionsTo(gateway.port);
      caddySlices.push(wrk(urls.caddy, CONNECTIONS, s, { ...pids, caddy: caddyPid }, token, BROWSER));
      closedByCaddy += closedConnectionsTo(gateway.port) - before;
    }
  }
  const direct = combine(directSlices);
  const through = combine(gatewaySlices);
  const localRow = wrk(
    urls.local,
    CONNECTIONS,
    s,
    { service: service.proc.pid, gateway: local.proc.pid },
    local.token,
  );
  const caddyRow = caddyPid ? combine(caddySlices) : undefined;
  const floorRow =
    edgeFloor && caddyPid
      ? wrk(`${edgeFloor.origin}/`, CONNECTIONS, s, { caddy: edgeFloor.proc.pid }, token, BROWSER)
      : undefined;
  const quiet = {
    direct: wrk(urls.direct, 1, 3, {}),
    gateway: wrk(urls.gateway, 1, 3, {}),
    local: wrk(urls.local, 1, 3, {}, local.token),
    caddy: caddyPid ? wrk(urls.caddy, 1, 3, {}, token, BROWSER) : undefined,
  };

  const rps = (m: Measured): number => m.requests / m.seconds;
  const ratio = rps(through) / rps(direct);
  // Caddy and the gateway share the cores: the edge's ratio is about C / (C + G) of their rates alone (ADR 0047).
  const edgeBound = (floor: Measured): number => rps(floor) / (rps(floor) + rps(through));
  const us = (m: Measured, name: string): string => {
    const v = m.cpu[name];
    return v === undefined ? "" : ((v * 1e6) / m.requests).toFixed(0);
  };
  const row = (name: string, m: Measured): string =>
    `| ${name} | ${Math.round(rps(m)).toLocaleString("en")} | ${m.p50.toFixed(2)} | ${m.p99.toFixed(2)} | ${(rps(m) / rps(direct)).toFixed(2)}× | ${us(m, "service")} | ${us(m, "gateway")} | ${us(m, "caddy")} |`;

  console.log(
    `Gateway overhead: "hello", wrk -t1, ${CONNECTIONS} connections, ${s} s per row or slice, Bun ${Bun.version}, ` +
      `2 shared cores (load average ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]} at the end)`,
  );
  console.log(
    `gateway: rate limiting on (${gateway.store ?? "?"} counters, per-user key from a verified bearer token), metrics, recording tracing (spans batched, then dropped)\n`,
  );
  console.log(
    "| path | requests/s | p50 ms | p99 ms | vs direct | service CPU µs/req | gateway CPU µs/req | Caddy CPU µs/req |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  console.log(row("raw Bun.serve", rawRow));
  console.log(row(`service direct (${ROUNDS} × ${s} s, interleaved)`, direct));
  console.log(row(`gateway → service (${ROUNDS} × ${s} s, interleaved)`, through));
  console.log(row("gateway → service, limiter in memory only (as while Redis is down)", localRow));
  if (caddyRow)
    console.log(row(`Caddy (TLS) → gateway → service (${ROUNDS} × ${s} s, interleaved)`, caddyRow));
  if (floorRow) console.log(row("floor: Caddy (TLS) → raw Bun.serve", floorRow));

  console.log("\nOne connection (nothing queues): latency a single client sees\n");
  console.log("| path | p50 ms | p99 ms | added p50 ms |");
  console.log("|---|---|---|---|");
  const quietRow = (name: string, m: Measured) =>
    console.log(
      `| ${name} | ${m.p50.toFixed(3)} | ${m.p99.toFixed(3)} | ${(m.p50 - quiet.direct.p50).toFixed(3)} |`,
    );
  quietRow("service direct", quiet.direct);
  quietRow("gateway → service", quiet.gateway);
  quietRow("gateway → service, limiter in memory only", quiet.local);
  if (quiet.caddy) quietRow("Caddy (TLS) → gateway → service", quiet.caddy);

  const added = quiet.gateway.p50 - quiet.direct.p50;
  console.log(
    `\ntargets (issue 10): through the gateway ≥ 0.40× direct throughput: ${ratio.toFixed(2)}× ${ratio >= 0.4 ? "met" : "NOT met"}; ` +
      `added p50 ≤ 1.5 ms: ${added.toFixed(2)} ms ${added <= 1.5 ? "met" : "NOT met"}`,
  );
  if (caddyRow && floorRow) {
    const edgeRatio = rps(caddyRow) / rps(through);
    // The servers' CPU per request on each path: what the ratio would be if they alone shared the cores.
    const serversCpu = (m: Measured): number => Object.values(m.cpu).reduce((a, b) => a + b, 0) / m.requests;
    const edgeCpuRatio = serversCpu(through) / serversCpu(caddyRow);
    console.log(
      `edge (issue 21): Caddy (TLS) → gateway ≥ 0.50× the gateway alone: ${edgeRatio.toFixed(2)}× ` +
        `${edgeRatio >= 0.5 ? "met" : "NOT met"} (by the servers' CPU per request: ${edgeCpuRatio.toFixed(2)}×; ` +
        `bound on shared cores, Caddy → raw ÷ (Caddy → raw + gateway): ${edgeBound(floorRow).toFixed(2)}×); ` +
        "floor on this machine: Caddy → raw Bun.serve " +
        `${(rps(floorRow) / rps(rawRow)).toFixed(2)}× raw Bun.serve; connections to the gateway closed during ` +
        `the Caddy slices: ${closedByCaddy}`,
    );
  }
  if (env.profile) console.log(`gateway CPU profile: ${profileDir}`);
  const hello = chartOf(`"hello" throughput, ${CONNECTIONS} connections`, "req/s");
  const vsDirect = chartOf("throughput relative to the service direct", "×");
  const oneConn = chartOf("latency at one connection", "ms");
  const target = (name: string) => (name === "gateway → service" ? atLeast(0.4) : undefined);
  const rows = {
    "raw Bun.serve": rawRow,
    "service direct": direct,
    "gateway → service": through,
    "gateway, limiter in memory": localRow,
    "Caddy (TLS) → gateway": caddyRow,
    "floor: Caddy (TLS) → raw": floorRow,
  };
  const figures = Object.entries(rows).flatMap(([name, m]) =>
    m
      ? [
          hello(name, "req/s", Math.round(rps(m))),
          vsDirect(name, "× direct", Number((rps(m) / rps(direct)).toFixed(2)), target(name)),
        ]
      : [],
  );
  const quietRows = {
    "service direct": quiet.direct,
    "gateway → service": quiet.gateway,
    "Caddy (TLS) → gateway": quiet.caddy,
  };
  for (const [name, m] of Object.entries(quietRows))
    if (m) figures.push(oneConn(name, "p50", m.p50), oneConn(name, "p99", m.p99));
  if (caddyRow && floorRow) {
    // The edge's cost as a ratio to what it fronts, beside the same ratio for the floor (Caddy → raw).
    const edgeChart = chartOf("the edge: throughput through Caddy (TLS) relative to its upstream alone", "×");
    figures.push(
      edgeChart(
        "Caddy → gateway ÷ gateway",
        "×",
        Number((rps(caddyRow) / rps(through)).toFixed(2)),
        atLeast(0.5),
      ),
      edgeChart("floor: Caddy → raw ÷ raw Bun.serve", "×", Number((rps(floorRow) / rps(rawRow)).toFixed(2))),
      edgeChart(
        "bound: (Caddy → raw) ÷ (Caddy → raw + gateway)",
        "×",
        Number(edgeBound(floorRow).toFixed(2)),
      ),
    );
  }
  await writeFigures("gateway", figures);
} finally {
  for (const p of procs) p.kill("SIGINT");
  await Promise.all(procs.map((p) => p.exited));
  rmSync(scratch, { recursive: true, force: true });
}
