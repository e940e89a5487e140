import { expect, test } from "bun:test";
import { renderSvg } from "../lib/charts.ts";
import { type Sample, summarize } from "./analysis.ts";
import { SOAK_LOAD } from "./load-stats.ts";
import { loadArgument, rssChartSpec, soakMarkdown } from "./report.ts";

const samples: Sample[] = [0, 60, 120, 180].flatMap((t) => [
  { t, pid: 11, name: "platform (all services)", rssMb: 900 + t / 60 },
  { t, pid: 12, name: "caddy", rssMb: 40 },
]);

test("the chart has one panel per process, each with its line", async () => {
  const svg = await renderSvg(rssChartSpec(samples, 1));
  expect(svg).toContain("platform (all services) (11)");
  expect(svg).toContain("caddy (12)");
  expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(2);
});

test("the report has a row per process with its level and drift, and the load table", () => {
  const md = soakMarkdown({
    date: "2026-11-22T10:00:00.000Z",
    minutes: 3,
    warmupMinutes: 1,
    sampleSeconds: 5,
    bunVersion: "1.4.5",
    cores: 2,
    realServers: [],
    entry: "Caddy (HTTPS)",
    load: { durationMs: 180_000, ...SOAK_LOAD },
    processes: summarize(samples, 60),
    summary: {
      type: "done",
      seconds: 180,
      users: { customers: 20, vendors: 4 },
      websockets: { opened: 17, failed: 0, messages: 5000, open: 8 },
      unansweredByMinute: { 12: 40, 2: 3 },
      kinds: [
        {
          kind: "create payment",
          requests: 1440,
          statuses: { 201: 1439, 500: 1 },
          failures: 0,
          p50Ms: 5.7,
          p99Ms: 51.7,
        },
      ],
    },
    chart: "charts/soak-rss.svg",
  });
  expect(md).toContain(
    "| platform (all services) | 11 | 4 | 900 | 901 | 902 | 903 | 903 | 903 | 2 (2 min) | 60 |",
  );
  expect(md).toContain("| caddy | 12 | 4 | 40 | 40 | 40 | 40 | 40 | 40 | 0 (2 min) | 0 |");
  expect(md).toContain("| create payment | 1,440 | 201 ×1,439, 500 ×1 | 0 | 5.7 | 51.7 |");
  expect(md).toContain("- caddy: the run was shorter than one window");
  expect(md).toContain("- caddy: the run was shorter than one window after the warm-up");
  expect(md).toContain("Unanswered requests by minute of the run: minute 2: 3, minute 12: 40.");
  expect(md).toContain("on the embedded default");
  expect(md).toContain("`bun run bench:soak --minutes 3`,");
  expect(md).toContain("![RSS per process over the soak run](charts/soak-rss.svg)");
});

test("a run with another load names the changed fields as the --load that gave them", () => {
  expect(loadArgument({ durationMs: 60_000, ...SOAK_LOAD })).toBe("");
  expect(loadArgument({ durationMs: 60_000, ...SOAK_LOAD, createsPerSecond: 60, readsPerSecond: 0 })).toBe(
    " --load createsPerSecond=60,readsPerSecond=0",
  );
});
