/**
 * `bun run bench:soak [--minutes 30]`: starts the platform as `bun run start` does, drives a steady mixed
 * load from a separate process for the given minutes, samples the RSS of every process it started (the
 * platform runner, Caddy, the load generator: found from /proc, children included) every few seconds, and
 * writes `bench/soak.md` with start/end/peak RSS and drift per process, plus `bench/charts/soak-rss.svg`.
 * Stops by itself and stops what it started. Not run in CI and not by `bun run bench` (this file is not a
 * `bench/<name>/index.ts`). Wrap it in `flock /tmp/bench.lock` on a shared machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { renderSvg } from "../lib/charts.ts";
import { OUT_DIR } from "../lib/figures.ts";
import { type Sample, summarize } from "./analysis.ts";
import { soakConfig } from "./config.ts";
import type { LoadSpec, LoadSummary } from "./load-stats.ts";
import { startPlatform } from "./platform.ts";
import { processTree, rssMb } from "./procs.ts";
import { rssChartSpec, soakMarkdown } from "./report.ts";

const here = new URL(".", import.meta.url).pathname;
const bench = new URL("..", import.meta.url).pathname;
const config = soakConfig();
const durationMs = Math.round(config.minutes * 60_000);
const load: Omit<LoadSpec, "api" | "ca" | "gateway" | "origin"> = { durationMs, ...config.load };

console.log(
  `soak: ${config.minutes} min, warm-up ${config.warmupMinutes.toFixed(1)} min, RSS every ${config.sampleSeconds} s; ` +
    `platform on ${config.realServers.length > 0 ? config.realServers.join(", ") : "the embedded default"}`,
);
const scratch = mkdtempSync(join(tmpdir(), "bench-soak-"));
const platform = await startPlatform(config.env, scratch).catch((error: unknown) => {
  rmSync(scratch, { recursive: true, force: true });
  throw error;
});
const started: number[] = [platform.pid];
let loader: Bun.Subprocess<"ignore", "pipe", "inherit"> | undefined;
const samples: Sample[] = [];
let summary: LoadSummary | undefined;
try {
  console.log(`platform up (pid ${platform.pid}); API through ${platform.api}`);
  const spec: LoadSpec = {
    ...load,
    api: platform.api,
    ca: platform.ca,
    gateway: platform.gateway,
    origin: platform.origin,
  };
  loader = Bun.spawn(["bun", `${here}load.ts`, JSON.stringify(spec)], { stdout: "pipe", stderr: "inherit" });
  started.push(loader.pid);
  const names = new Map<number, string>([
    [platform.pid, "platform (all services)"],
    [loader.pid, "load generator"],
  ]);
  const t0 = performance.now();
  const sample = () => {
    const t = Math.round((performance.now() - t0) / 100) / 10;
    for (const { pid, comm } of processTree(started)) {
      const rss = rssMb(pid);
      if (rss === undefined) continue;
      const name = names.get(pid) ?? comm;
      samples.push({ t, pid, name, rssMb: rss });
    }
  };
  sample();
  const sampler = setInterval(sample, config.sampleSeconds * 1000);
  // The load process ends at its deadline; this one waits at most two minutes more (registration, drain).
  const lines = (async () => {
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of loader.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const parsed = JSON.parse(line) as { type: string; seconds: number; requests?: number };
        if (parsed.type === "done") summary = parsed as LoadSummary;
        else console.log(`  ${parsed.seconds.toFixed(0)} s: ${parsed.requests} requests`);
      }
    }
  })();
  const code = await Promise.race([loader.exited, Bun.sleep(durationMs + 120_000).then(() => undefined)]);
  if (code === undefined) console.error("the load process overran its deadline: stopped");
  else if (code !== 0) console.error(`the load process exited with ${code}`);
  clearInterval(sampler);
  sample();
  await Promise.race([lines, Bun.sleep(2_000)]);
} finally {
  loader?.kill();
  // Caddy is the runner's child; note the tree before the runner goes, so nothing it started outlives it.
  const tree = processTree([platform.pid]).filter((p) => p.pid !== platform.pid);
  await platform.stop();
  for (const { pid } of tree) {
    if (rssMb(pid) !== undefined) process.kill(pid, "SIGTERM");
  }
  rmSync(scratch, { recursive: true, force: true });
}

const processes = summarize(samples, config.warmupMinutes * 60);
const chart = "charts/soak-rss.svg";
await mkdir(`${bench}charts`, { recursive: true });
await Bun.write(`${bench}${chart}`, await renderSvg(rssChartSpec(samples, config.warmupMinutes)));
await mkdir(OUT_DIR, { recursive: true });
// Each run's samples are kept under its own name (a before/after comparison needs both); soak.json is the last.
const raw = `${JSON.stringify({ samples, summary }, null, 1)}\n`;
const date = new Date().toISOString();
await Bun.write(`${OUT_DIR}soak-${date.replace(/[:.]/g, "-")}.json`, raw);
await Bun.write(`${OUT_DIR}soak.json`, raw);
await Bun.write(
  `${bench}soak.md`,
  soakMarkdown({
    date,
    minutes: config.minutes,
    warmupMinutes: config.warmupMinutes,
    sampleSeconds: config.sampleSeconds,
    bunVersion: Bun.version,
    cores: cpus().length,
    realServers: config.realServers,
    entry: platform.ca ? "Caddy (HTTPS)" : "the gateway",
    load,
    processes,
    summary,
    chart,
  }),
);
for (const p of processes)
  console.log(
    `${p.name.padEnd(24)} start ${p.startMb} MB, end ${p.endMb} MB, peak ${p.peakMb} MB, drift ${p.driftMb ?? "—"} MB (${p.driftMbPerHour ?? "—"} MB/h), troughs ${p.troughDriftMbPerHour ?? "—"} MB/h`,
  );
console.log("wrote bench/soak.md and bench/charts/soak-rss.svg");
process.exit(summary ? 0 : 1);
