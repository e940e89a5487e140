/**
 * Frontend bundle report (not a timed test): what a signed-in customer's first visit to /payments loads —
 * shell + payments remote — measured in Debian's Chromium against the built apps served by the platform:
 * JS files and bytes (raw and gzipped), federation requests (remote entries and remote chunks), all
 * requests, and First/Largest Contentful Paint on localhost. Targets (issue 7): ≤ 150 KB gzipped JS, ≤ 10
 * federation requests, LCP ≤ 800 ms. Run: `bun bench/frontend/index.ts` (or `bun run bench frontend`).
 *
 * Every visit has a cold browser cache (a fresh context). One unmeasured visit first warms the freshly
 * started server up (its first responses pay for JIT compilation, which no user of a running server sees);
 * then {@link VISITS} measured visits, of which the median paint times are reported with their range: on a
 * shared machine one visit alone says more about the neighbours than about the app. The load average is
 * printed for the same reason.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { atMost, chartOf, writeFigures } from "../lib/figures.ts";
import { frontendsStale } from "./build.ts";
import { startPlatform } from "./platform.ts";
import { type Visit, visitPayments } from "./visit.ts";

const VISITS = 5;
const root = new URL("../..", import.meta.url).pathname;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Chromium 15x's headless mode builds the omnibox popup's WebUI (hundreds of chrome:// modules) in other
  // renderers during the first navigations, competing with the page for the CPU: browser UI, not the app.
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
];

if (!existsSync("/usr/bin/chromium")) {
  console.log("no Chromium at /usr/bin/chromium (apt-get install chromium): frontend benchmark skipped");
  process.exit(0);
}
if (await frontendsStale(root)) {
  console.log("building the frontends (bun run build:frontends): missing, or older than their sources");
  const build = Bun.spawnSync(["bun", "run", "build:frontends"], {
    cwd: root,
    stdout: "ignore",
    stderr: "inherit",
  });
  if (build.exitCode !== 0) throw new Error("the frontend build failed");
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
};
const ms = (n: number) => (Number.isNaN(n) ? "n/a" : `${Math.round(n)} ms`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");

const scratch = mkdtempSync(join(tmpdir(), "bench-frontend-"));
const platform = await startPlatform(scratch);
try {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  const loadBefore = loadavg()[0] ?? 0;
  const visits: Visit[] = [];
  try {
    await visitPayments(browser, platform.origin);
    for (let i = 0; i < VISITS; i++) visits.push(await visitPayments(browser, platform.origin));
  } finally {
    await browser.close();
  }
  const first = visits[0];
  if (!first) throw new Error("no visit measured");
  const raw = first.js.reduce((s, f) => s + f.raw, 0);
  const gzip = first.js.reduce((s, f) => s + f.gzip, 0);
  const lcps = visits.map((v) => v.lcp);
  const lcp = median(lcps);
  const range = `${ms(Math.min(...lcps))} – ${ms(Math.max(...lcps))}`;
  console.log("First load of /payments for a signed-in customer (shell + payments remote), cold cache\n");
  console.log("| measure | value | target |");
  console.log("|---|---|---|");
  console.log(`| JS files | ${first.js.length} | — |`);
  console.log(`| JS bytes (raw) | ${kb(raw)} | — |`);
  console.log(`| JS bytes (gzipped) | ${kb(gzip)} | ≤ 150 KB ${mark(gzip <= 150 * 1024)} |`);
  console.log(
    `| federation requests (/remotes/…) | ${first.federation} | ≤ 10 ${mark(first.federation <= 10)} |`,
  );
  console.log(`| all requests | ${first.requests} | — |`);
  console.log(`| FCP (localhost, median of ${VISITS}) | ${ms(median(visits.map((v) => v.fcp)))} | — |`);
  console.log(
    `| LCP (localhost, median of ${VISITS}) | ${ms(lcp)} (${range}) | ≤ 800 ms ${mark(lcp <= 800)} |`,
  );
  console.log(
    `\nLoad average (1 min) on this machine: ${loadBefore.toFixed(1)} before the visits, ${(loadavg()[0] ?? 0).toFixed(1)} after.`,
  );
  console.log("\nLargest JS files (gzipped):");
  for (const f of [...first.js].sort((a, b) => b.gzip - a.gzip).slice(0, 8))
    console.log(`  ${kb(f.gzip).padStart(9)}  ${f.url}`);
  const js = chartOf("first-load JavaScript, gzipped", "KB");
  const paint = chartOf(`paint, localhost, median of ${VISITS}`, "ms");
  await writeFigures("frontend", [
    js("/payments", "gzipped", Number((gzip / 1024).toFixed(1)), atMost(150)),
    chartOf("federation requests", "requests")("/payments", "federation", first.federation, atMost(10)),
    paint("/payments", "FCP", Math.round(median(visits.map((v) => v.fcp)))),
    paint("/payments", "LCP", Math.round(lcp), atMost(800)),
  ]);
} finally {
  await platform.stop();
  rmSync(scratch, { recursive: true, force: true });
}
