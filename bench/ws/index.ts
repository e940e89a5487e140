/**
 * WebSocket fan-out (not a timed test; issue 10 targets: 10,000 sockets on one gateway, broadcast p99 ≤
 * 200 ms, gateway RSS ≤ 200 MB). One gateway process (bench/ws/server.ts: the real app, `/ws` with tickets
 * and Origin check, the hub) and separate client processes (Bun's WebSocket). Events go to the `broadcast`
 * room, which every socket is in. Two loads: single broadcasts 500 ms apart (each measured on its own: the
 * target's "broadcast p99"), and a burst 50 ms apart (200,000 deliveries/s asked of the machine at 10,000
 * sockets: a throughput stress). Reports delivery latency (publish → client, merged over the client
 * processes), deliveries/s, the gateway's own fan-out time per event (publish → the last socket's bytes
 * handed to the kernel: when it is close to the p99, the latency is the gateway's, not the clients'), CPU
 * seconds of gateway and clients during delivery, and the gateway's RSS idle, with the sockets open, and at
 * its peak. Load generator and gateway share the machine's two cores.
 * Run: `flock /tmp/bench.lock bun bench/ws/index.ts` (or `bun run bench ws`).
 */
import { readFileSync } from "node:fs";
import { atMost, chartOf, type Figure, writeFigures } from "../lib/figures.ts";

const here = new URL(".", import.meta.url).pathname;
const ORIGIN = "https://localhost:8443";
/** At most this many sockets per client process (one Bun process handles ~60,000 messages/s here). */
const PER_CLIENT_PROCESS = 5_000;
const CASES = [
  { sockets: 1_000, events: 10, gapMs: 500 },
  { sockets: 10_000, events: 10, gapMs: 500 },
  { sockets: 1_000, events: 20, gapMs: 50 },
  { sockets: 10_000, events: 20, gapMs: 50 },
];

/** What the run measured, for the charts (bench/out/ws.json). */
const figures: Figure[] = [];

interface ClientResult {
  open: number;
  failed: number;
  received: number;
  expected: number;
  latencies: number[];
}

interface Stats {
  rss: number;
  peakRss: number;
  sockets: number;
}

/** Open-file limit of child processes; raised (up to the hard limit) when too low for the run. */
function fileLimits(): { soft: number; hard: number } {
  const read = (flag: string) =>
    Bun.spawnSync(["sh", "-c", `ulimit ${flag}`])
      .stdout.toString()
      .trim();
  const hard = read("-Hn");
  return { soft: Number(read("-n")), hard: hard === "unlimited" ? Number.POSITIVE_INFINITY : Number(hard) };
}

/** Runs `bun <file> …args` with the open-file limit raised to `files` (a socket is a file descriptor). */
function spawnBun(file: string, args: string[], files: number) {
  return Bun.spawn(["sh", "-c", `ulimit -n ${files} && exec bun "$@"`, "sh", file, ...args], {
    stdout: "pipe",
    stderr: "inherit",
  });
}

/** User + system CPU seconds a process has used so far (Linux); undefined once it has exited. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function lines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let i = buffer.indexOf("\n");
    while (i >= 0) {
      onLine(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf("\n");
    }
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function run(c: (typeof CASES)[number], files: number): Promise<string> {
  const server = spawnBun(`${here}server.ts`, [ORIGIN], files);
  const clients: Bun.Subprocess[] = [];
  try {
    const port = await new Promise<number>((resolve) => {
      void lines(server.stdout, (line) => resolve((JSON.parse(line) as { port: number }).port));
    });
    const stats = async () => (await (await fetch(`http://127.0.0.1:${port}/bench/stats`)).json()) as Stats;
    const idle = await stats();
    const processes = Math.ceil(c.sockets / PER_CLIENT_PROCESS);
    const results: Promise<ClientResult>[] = [];
    const readies: Promise<void>[] = [];
    for (let p = 0; p < processes; p++) {
      const share = Math.floor(c.sockets / processes) + (p < c.sockets % processes ? 1 : 0);
      const args = [String(port), ORIGIN, String(share), String(c.events), "60000"];
      const proc = spawnBun(`${here}clients.ts`, args, files);
      clients.push(proc);
      const result = Promise.withResolvers<ClientResult>();
      const ready = Promise.withResolvers<void>();
      void lines(proc.stdout, (line) => {
        if (line === "ready") ready.resolve();
        else if (line.startsWith("{")) result.resolve(JSON.parse(line) as ClientResult);
      });
      void proc.exited.then((code) => result.reject(new Error(`client process exited with ${code}`)));
      results.push(result.promise);
      readies.push(ready.promise);
    }
    await Promise.race([Promise.all(readies), Bun.sleep(120_000)]);
    await Bun.sleep(500);
    const connected = await stats();
    const pids = [server.pid, ...clients.map((p) => p.pid)];
    const cpuBefore = pids.map((pid) => cpuSeconds(pid) ?? 0);
    // Client processes print and exit when done, so their CPU is sampled all along (every 50 ms).
    const cpuAfter = [...cpuBefore];
    const sampler = setInterval(() => {
      for (const [i, pid] of pids.entries()) cpuAfter[i] = cpuSeconds(pid) ?? cpuAfter[i] ?? 0;
    }, 50);
    const started = performance.now();
    const dispatched = await fetch(`http://127.0.0.1:${port}/bench/dispatch?n=${c.events}&gapMs=${c.gapMs}`, {
      method: "POST",
    });
    const fanOuts = ((await dispatched.json()) as number[]).sort((a, b) => a - b);
    const all = await Promise.all(results).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    const after = await stats();
    const used = pids.map((_, i) => (cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0));
    const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const expected = all.reduce((n, r) => n + r.expected, 0);
    const open = all.reduce((n, r) => n + r.open, 0);
    if (latencies.length === 0) throw new Error(`no deliveries measured (${open} sockets open)`);
    const label = `${c.sockets.toLocaleString("en")} sockets`;
    const delivery = chartOf(`delivery latency, ${c.events} events ${c.gapMs} ms apart`, "ms");
    const rss = chartOf(`gateway RSS, ${c.events} events ${c.gapMs} ms apart`, "MB");
    const atTarget = (value: number) => (c.sockets >= 10_000 ? atMost(value) : undefined);
    const toMb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    figures.push(
      delivery(label, "p50", percentile(latencies, 50)),
      delivery(label, "p99", percentile(latencies, 99), atTarget(200)),
      rss(label, "idle", toMb(idle.rss)),
      rss(label, "with sockets", toMb(connected.rss)),
      rss(label, "peak", toMb(after.peakRss), atTarget(200)),
    );
    return [
      c.sockets.toLocaleString("en"),
      `${c.events} × ${c.gapMs} ms`,
      `${open.toLocaleString("en")} (${processes})`,
      `${latencies.length.toLocaleString("en")} / ${expected.toLocaleString("en")}`,
      Math.round(latencies.length / seconds).toLocaleString("en"),
      percentile(latencies, 50).toFixed(0),
      percentile(latencies, 99).toFixed(0),
      (latencies.at(-1) ?? Number.NaN).toFixed(0),
      `${percentile(fanOuts, 50).toFixed(0)} / ${(fanOuts.at(-1) ?? Number.NaN).toFixed(0)}`,
      `${(used[0] ?? 0).toFixed(1)} / ${used
        .slice(1)
        .reduce((a, b) => a + b, 0)
        .toFixed(1)}`,
      mb(idle.rss),
      mb(connected.rss),
      mb(after.peakRss),
    ].join(" | ");
  } finally {
    for (const client of clients) client.kill();
    server.kill();
    await Promise.all([server.exited, ...clients.map((c) => c.exited)]);
  }
}

const limits = fileLimits();
const needed = Math.max(...CASES.map((c) => c.sockets)) + 1_000;
const files = Math.min(Math.max(limits.soft, needed), limits.hard);
console.log(
  `WebSocket fan-out on one gateway to the broadcast room; clients in processes of ≤ ${PER_CLIENT_PROCESS.toLocaleString("en")} ` +
    `sockets (open files: soft ${limits.soft}, hard ${limits.hard}; run with ${files}${files > limits.soft ? ", raised" : ""}).`,
);
console.log("Targets at 10,000 sockets: broadcast p99 ≤ 200 ms, gateway RSS ≤ 200 MB.\n");
console.log(
  "| sockets | events × gap | open (client processes) | delivered | deliveries/s | p50 ms | p99 ms | max ms | " +
    "gateway fan-out ms median / max | CPU s gateway / clients | gateway RSS idle | with sockets | peak |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const c of CASES) {
  if (c.sockets + 100 > files) {
    console.log(`| ${c.sockets.toLocaleString("en")} | not run: open-file limit ${files} |`);
    continue;
  }
  console.log(`| ${await run(c, files)} |`);
}
await writeFigures("ws", figures);
