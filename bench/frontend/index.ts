/**
 * Frontend report (not a timed test), against the built apps served by the platform behind Caddy, in
 * Debian's Chromium:
 * - First load of every entry page (signed out: sign-in, create an account, forgot password; a customer's
 *   payments, payment, new payment, reports, sessions, profile; the admin's dashboard): JS files and bytes
 *   (raw, on the wire as Caddy and the gateway send them — Brotli copies from the build where the browser
 *   accepts br — and gzipped here, the measure of earlier reports), federation requests, and First/Largest
 *   Contentful Paint on localhost. Targets (issues 7 and 21): ≤ 150 KB of JS on the wire on every entry
 *   page, ≤ 10 federation requests, LCP ≤ 800 ms.
 * - Lighthouse (issue 18) on sign-in, payments, a payment, new payment and the admin dashboard: performance,
 *   accessibility and best practices ≥ 95, with its desktop preset (the form factor the target is judged
 *   on, docs/adr/0036) and with its default (a throttled phone): medians of several runs with the machine's
 *   load beside them, what lost points and why (lighthouse-section.ts).
 * Run: `bun bench/frontend/index.ts` (or `bun run bench frontend`); `--pages=sign-in,payments`, `--runs=N`,
 * `--form-factor=desktop`.
 *
 * Every visit has a cold browser cache (a fresh context) and a session of its own. One unmeasured visit
 * first warms the freshly started server up (its first responses pay for JIT compilation, which no user of
 * a running server sees); then {@link VISITS} measured visits per page, of which the median paint times are
 * reported with their range: on a shared machine one visit alone says more about the neighbours than about
 * the app. The load average is printed for the same reason.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { atMost, chartOf, type Figure, writeFigures } from "../lib/figures.ts";
import { type Person, payment, register, type Session, signIn, type Viewer } from "./accounts.ts";
import { frontendsStale } from "./build.ts";
import type { FormFactor } from "./lighthouse.ts";
import { lighthouseSection, median } from "./lighthouse-section.ts";
import { startPlatform } from "./platform.ts";
import { type Entry, type Visit, visitRetried } from "./visit.ts";

const VISITS = 3;
const BUDGET_KB = 150;
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

/** The entry pages; `detail` is filled in once a payment exists. */
function entries(detail: string): Entry[] {
  return [
    { name: "sign-in", path: "/account/login", viewer: "anonymous", heading: "Sign in" },
    { name: "register", path: "/account/register", viewer: "anonymous", heading: "Create an account" },
    {
      name: "forgot password",
      path: "/account/forgot",
      viewer: "anonymous",
      heading: "Forgot your password?",
    },
    { name: "payments", path: "/payments", viewer: "customer", heading: /Payments/ },
    { name: "payment", path: `/payments/${detail}`, viewer: "customer", heading: /./ },
    { name: "new payment", path: "/payments/new", viewer: "customer", heading: "New payment" },
    { name: "reports", path: "/payments/reports", viewer: "customer", heading: "Reports" },
    { name: "sessions", path: "/account/sessions", viewer: "customer", heading: /Sessions/ },
    { name: "profile", path: "/profile", viewer: "customer", heading: /Profile/ },
    { name: "admin dashboard", path: "/admin", viewer: "admin", heading: "Dashboard" },
  ];
}
/** `--pages=sign-in,admin dashboard`: only those pages (while working on one). */
const onlyPages = Bun.argv
  .find((a) => a.startsWith("--pages="))
  ?.slice("--pages=".length)
  .split(",");
const LIGHTHOUSE_PAGES = ["sign-in", "payments", "payment", "new payment", "admin dashboard"].filter(
  (name) => !onlyPages || onlyPages.includes(name),
);
/** `--runs=N`: Lighthouse runs per page and form factor (default 5 on desktop, 3 on mobile; medians reported). */
const runsArg = Number(Bun.argv.find((a) => a.startsWith("--runs="))?.slice("--runs=".length));
const RUNS: Record<FormFactor, number> =
  runsArg > 0 ? { desktop: runsArg, mobile: runsArg } : { desktop: 5, mobile: 3 };
/** `--form-factor=desktop` (or `mobile`): Lighthouse in that form factor only (while working on one). */
const onlyFormFactor = Bun.argv.find((a) => a.startsWith("--form-factor="))?.slice("--form-factor=".length);
const FORM_FACTORS = (["desktop", "mobile"] as const).filter((f) => !onlyFormFactor || f === onlyFormFactor);
/** `--first-load-only`: skip Lighthouse (minutes) while working on bundle sizes. */
const withLighthouse = !Bun.argv.includes("--first-load-only");

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

const ms = (n: number) => (Number.isNaN(n) ? "n/a" : `${Math.round(n)} ms`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");
const sum = (files: Visit["js"], key: "raw" | "wire" | "gzip") => files.reduce((s, f) => s + f[key], 0);

const scratch = mkdtempSync(join(tmpdir(), "bench-frontend-"));
const platform = await startPlatform(scratch);
try {
  const customer = await register(platform, "customer");
  const vendor = await register(platform, "vendor");
  const detail = await payment(platform, customer, vendor);
  const people: Record<Exclude<Viewer, "anonymous">, Person | "admin"> = { customer, vendor, admin: "admin" };
  const sessionFor = (viewer: Viewer): Promise<Session | undefined> =>
    viewer === "anonymous" ? Promise.resolve(undefined) : signIn(platform, people[viewer]);
  const pages = entries(detail).filter((p) => !onlyPages || onlyPages.includes(p.name));

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [...ARGS, `--ignore-certificate-errors-spki-list=${platform.spkis.join(",")}`],
  });
  const loadBefore = loadavg()[0] ?? 0;
  const measured = new Map<string, Visit[]>();
  try {
    const warm = pages[3] ?? pages[0];
    if (warm) await visitRetried(browser, platform.origin, warm, () => sessionFor(warm.viewer));
    for (const entry of pages) {
      const visits: Visit[] = [];
      for (let i = 0; i < VISITS; i++)
        visits.push(await visitRetried(browser, platform.origin, entry, () => sessionFor(entry.viewer)));
      measured.set(entry.name, visits);
    }
  } finally {
    await browser.close();
  }

  console.log("First load of each entry page, cold cache, through Caddy (JS on the wire: target ≤ 150 KB)\n");
  console.log(
    "| page | who | JS files | JS raw | JS on the wire | JS gzipped here | federation requests | LCP (median of 3) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  const figures: Figure[] = [];
  const js = chartOf("first-load JavaScript on the wire", "KB");
  const paint = chartOf(`LCP, localhost, median of ${VISITS}`, "ms");
  for (const entry of pages) {
    const visits = measured.get(entry.name) ?? [];
    const first = visits[0];
    if (!first) continue;
    const wire = sum(first.js, "wire");
    const lcp = median(visits.map((v) => v.lcp));
    console.log(
      `| ${entry.name} | ${entry.viewer} | ${first.js.length} | ${kb(sum(first.js, "raw"))} | ${kb(wire)} ${mark(wire <= BUDGET_KB * 1024)} | ${kb(sum(first.js, "gzip"))} | ${first.federation} ${mark(first.federation <= 10)} | ${ms(lcp)} ${mark(lcp <= 800)} |`,
    );
    figures.push(js(entry.name, "wire", Number((wire / 1024).toFixed(1)), atMost(BUDGET_KB)));
    figures.push(paint(entry.name, "LCP", Math.round(lcp), atMost(800)));
  }
  // What the sign-in page and any page over the budget load, largest first: where the bytes go.
  for (const entry of pages) {
    const first = measured.get(entry.name)?.[0];
    if (!first || (entry.name !== "sign-in" && sum(first.js, "wire") <= BUDGET_KB * 1024)) continue;
    console.log(`\nLargest JS files of ${entry.name} (on the wire):`);
    for (const f of [...first.js].sort((a, b) => b.wire - a.wire).slice(0, 6))
      console.log(`  ${kb(f.wire).padStart(9)}  ${f.url}`);
  }

  if (withLighthouse) {
    figures.push(
      ...(await lighthouseSection(
        pages.filter((p) => LIGHTHOUSE_PAGES.includes(p.name)),
        {
          origin: platform.origin,
          spkis: platform.spkis,
          chromiumArgs: ARGS,
          sessionFor,
          runs: RUNS,
          formFactors: FORM_FACTORS,
        },
      )),
    );
  }
  console.log(
    `\nLoad average (1 min) on this machine: ${loadBefore.toFixed(1)} before the visits, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`,
  );
  await writeFigures("frontend", figures);
} finally {
  await platform.stop();
  rmSync(scratch, { recursive: true, force: true });
}
