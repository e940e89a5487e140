/**
 * The soak run's report, pure: `bench/soak.md` as text and the Vega-Lite spec of its chart (RSS of every
 * process over time, the warm-up shaded).
 */
import type { TopLevelSpec } from "vega-lite";
import type { ProcessSummary, Sample } from "./analysis.ts";
import { type LoadSpec, type LoadSummary, SOAK_LOAD } from "./load-stats.ts";

/** ` --load a=1,b=2` for the fields of `load` that are not the soak's default ones, else "". */
export function loadArgument(load: SoakResult["load"]): string {
  const changed = (Object.keys(SOAK_LOAD) as Array<keyof typeof SOAK_LOAD>)
    .filter((key) => load[key] !== SOAK_LOAD[key])
    .map((key) => `${key}=${load[key]}`);
  return changed.length > 0 ? ` --load ${changed.join(",")}` : "";
}

/** Everything the report says. */
export interface SoakResult {
  date: string;
  minutes: number;
  warmupMinutes: number;
  sampleSeconds: number;
  bunVersion: string;
  cores: number;
  /** Server variables set (real servers used), empty = embedded default. */
  realServers: string[];
  /** "Caddy (HTTPS)" or "the gateway". */
  entry: string;
  load: Omit<LoadSpec, "api" | "ca" | "gateway" | "origin">;
  processes: ProcessSummary[];
  summary: LoadSummary | undefined;
  /** Path of the chart relative to bench/. */
  chart: string;
}

const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "—" : n.toLocaleString("en", { maximumFractionDigits: digits });

/**
 * RSS in MB over minutes, one panel per process with its own scale (the platform's hundreds of MB would
 * flatten Caddy's tens), a dashed rule where the warm-up ends.
 */
export function rssChartSpec(samples: Sample[], warmupMinutes: number): TopLevelSpec {
  const values = samples.map((s) => ({
    minute: Math.round((s.t / 60) * 1000) / 1000,
    rss: Math.round(s.rssMb * 10) / 10,
    process: `${s.name} (${s.pid})`,
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "RSS per process during the soak run (dashed: end of the warm-up)", anchor: "start" },
    data: { values },
    facet: {
      row: {
        field: "process",
        type: "nominal",
        title: null,
        header: { labelOrient: "top", labelAnchor: "start", labelFontWeight: "bold" },
      },
    },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 520,
      height: 110,
      layer: [
        {
          mark: { type: "line", point: { size: 10 } },
          encoding: {
            x: { field: "minute", type: "quantitative", title: "minutes" },
            y: { field: "rss", type: "quantitative", title: "RSS, MB", scale: { zero: false } },
          },
        },
        {
          mark: { type: "rule", strokeDash: [4, 3], color: "#888" },
          encoding: { x: { datum: warmupMinutes } },
        },
      ],
    },
    config: { font: "sans-serif" },
  };
}

/** Where in the run the unanswered requests fell: "minute 12: 40, minute 13: 101", or that there were none. */
function unanswered(byMinute: Record<number, number>): string {
  const minutes = Object.entries(byMinute).sort(([a], [b]) => Number(a) - Number(b));
  if (minutes.length === 0) return "Unanswered requests by minute of the run: none.";
  return `Unanswered requests by minute of the run: ${minutes.map(([m, n]) => `minute ${m}: ${n}`).join(", ")}.`;
}

/** `bench/soak.md`. */
export function soakMarkdown(r: SoakResult): string {
  const servers =
    r.realServers.length > 0 ? `real servers (${r.realServers.join(", ")})` : "the embedded default";
  const windowMin = (p: ProcessSummary) => fmt(p.windowSeconds / 60);
  const kinds = r.summary?.kinds ?? [];
  const statuses = (s: Record<number, number>) =>
    Object.entries(s)
      .map(([code, n]) => `${code} ×${n.toLocaleString("en")}`)
      .join(", ");
  const ws = r.summary?.websockets;
  return [
    "# Soak run",
    "",
    `\`bun run bench:soak --minutes ${r.minutes}${loadArgument(r.load)}\`, ${r.date}, Bun ${r.bunVersion}, ${r.cores} cores shared with other work.`,
    `The platform as \`bun run start\` runs it (scripts/start.ts: every service in one process; Caddy in front`,
    `when installed) on ${servers}; API traffic through ${r.entry}. Load from a separate process: ${r.load.createsPerSecond} payment`,
    `creates/s, ${r.load.readsPerSecond} reads/s (one in five a list), a login every ${r.load.loginEverySeconds} s, a new customer every`,
    `${r.load.registerEverySeconds} s (from ${r.load.customers} customers and ${r.load.vendors} vendors), ${r.load.sockets} WebSockets held by vendors (one`,
    `reconnected every ${r.load.reconnectEverySeconds} s). RSS (VmRSS of /proc/<pid>/status) of every process the run started, every`,
    `${r.sampleSeconds} s. Drift: slope of a least-squares line through the samples after the first ${fmt(r.warmupMinutes)} min of warm-up.`,
    "",
    "| process | pid | samples | start MB | after warm-up MB | median MB after warm-up | p95 MB | end MB | peak MB | drift MB (fitted, window) | drift MB/h |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...r.processes.map(
      (p) =>
        `| ${p.name} | ${p.pid} | ${p.samples} | ${fmt(p.startMb)} | ${fmt(p.afterWarmupMb)} | ${fmt(p.medianMb)} | ${fmt(p.p95Mb)} | ${fmt(p.endMb)} | ${fmt(p.peakMb)} | ${fmt(p.driftMb)} (${windowMin(p)} min) | ${fmt(p.driftMbPerHour)} |`,
    ),
    "",
    "Mean RSS per ten minutes (a full collection makes the RSS a sawtooth, which tilts a fitted line either way;",
    "means over windows many teeth long show growth without it):",
    "",
    ...r.processes.map(
      (p) =>
        `- ${p.name}: ${p.windowMeans.map((w) => `minutes ${fmt(w.fromMinute, 0)}–${fmt(w.toMinute, 0)}: ${fmt(w.meanMb)} MB`).join("; ") || "the run was shorter than one window"}`,
    ),
    "",
    "Troughs: the lowest RSS of each four-minute window after the warm-up, where a process sits right after a",
    "collection. The garbage between collections does not move them, so their slope is what a leak would show:",
    "",
    ...r.processes.map(
      (p) =>
        `- ${p.name}: ${p.troughs.length > 0 ? `${p.troughs.map((w) => fmt(w.minMb, 0)).join(", ")} MB; slope ${fmt(p.troughDriftMbPerHour)} MB/h` : "the run was shorter than one window after the warm-up"}`,
    ),
    "",
    `![RSS per process over the soak run](${r.chart})`,
    "",
    "## Load",
    "",
    "| request | count | answers | no answer | p50 ms | p99 ms |",
    "|---|---|---|---|---|---|",
    ...kinds.map(
      (k) =>
        `| ${k.kind} | ${k.requests.toLocaleString("en")} | ${statuses(k.statuses)} | ${k.failures} | ${fmt(k.p50Ms)} | ${fmt(k.p99Ms)} |`,
    ),
    "",
    // Without the load's summary nothing is known of its failures, not even that there were none.
    ...(r.summary ? [unanswered(r.summary.unansweredByMinute), ""] : []),
    ws
      ? `WebSockets: ${ws.opened} opened, ${ws.failed} failed, ${ws.messages.toLocaleString("en")} messages received. Users at the end: ${r.summary?.users.customers} customers, ${r.summary?.users.vendors} vendors.`
      : "The load process gave no summary (it failed or was killed at its deadline).",
    "",
    "A short run says little about a slow leak: the fit's window is the run minus the warm-up, and a heap",
    "that grows in steps between collections looks like drift over a few minutes. The default is 30 minutes.",
    "Not run in CI and not by `bun run bench` (it takes the run's length and loads both cores).",
    "",
  ].join("\n");
}
