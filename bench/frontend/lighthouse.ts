/**
 * Lighthouse (the npm package, pinned in the root catalog; 12.8.x is the newest that runs on this machine's
 * Node 20 — 13.x wants Node ≥ 22.19) against Debian's Chromium, headless, through Caddy. Lighthouse's CLI
 * runs under Node, attached to a Chromium this process starts with Playwright: a persistent context is the
 * browser's default one, which is where Lighthouse opens its tab, so the session cookies put there are the
 * ones the page is loaded with (`--disable-storage-reset` keeps them; the cache is still emptied before
 * the run). Chromium trusts Caddy's local CA by key, nothing else.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@payments/testing";
import { chromium } from "@playwright/test";
import type { Session } from "./accounts.ts";
import { addSession } from "./visit.ts";

const CLI = new URL("../node_modules/lighthouse/cli/index.js", import.meta.url).pathname;
export const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Lighthouse's form factors: `desktop` is its desktop preset, `mobile` its default (a throttled phone). */
export type FormFactor = "desktop" | "mobile";

/** One page's result. */
export interface LighthouseResult {
  /** 0–100 per category. */
  scores: Record<Category, number>;
  /** Audits that lost points (score < 1, weighted in a category), worst first: what to fix. */
  findings: string[];
  /** Why: the main thread's long tasks by script and the layout shifts by element (see {@link diagnosticsOf}). */
  diagnostics: string[];
  lcpMs: number;
  tbtMs: number;
  cls: number;
  /**
   * Lighthouse's measure of the host CPU at the time of the run (environment.benchmarkIndex; about 1,000
   * or more on the desktop its throttling is calibrated for): how busy this shared machine was.
   */
  benchmarkIndex: number;
}

interface LhAudit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
  displayValue?: string;
  numericValue?: number;
  details?: { items?: Array<Record<string, unknown>> };
}
export interface LhReport {
  categories: Record<string, { score: number | null; auditRefs: Array<{ id: string; weight: number }> }>;
  audits: Record<string, LhAudit>;
  runtimeError?: { code: string; message: string };
  environment?: { benchmarkIndex?: number };
}

function findingsOf(report: LhReport): string[] {
  const out: string[] = [];
  for (const [category, { auditRefs }] of Object.entries(report.categories)) {
    for (const ref of auditRefs) {
      const audit = report.audits[ref.id];
      if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 1) continue;
      if (audit.scoreDisplayMode === "informative" || audit.scoreDisplayMode === "notApplicable") continue;
      const value = audit.displayValue ? ` (${audit.displayValue})` : "";
      out.push(`${category}: ${audit.id} ${Math.round(audit.score * 100)}${value}`);
    }
  }
  return out;
}

const path = (url: unknown) => {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return String(url);
  }
};

/**
 * The scripts and style sheets of the page that never arrived (status -1: `net::ERR_NETWORK_CHANGED` when
 * another stack on this machine adds or removes a network interface mid-load). Such a run measures the
 * static header of index.html, not the page — it once scored 100 with 6 ms of script — so it is a failed
 * run, tried again like a runtime error, never a score.
 */
export function failedLoads(report: LhReport): string[] {
  const items = report.audits["network-requests"]?.details?.items ?? [];
  return items
    .filter((r) => r.statusCode === -1 && (r.resourceType === "Script" || r.resourceType === "Stylesheet"))
    .map((r) => path(r.url));
}

/**
 * What to look at when TBT or CLS lose points: the long tasks (over 50 ms, what TBT sums beyond 50 ms each)
 * with the script Lighthouse blames, the scripts' main-thread time (bootup-time) and each layout shift's
 * element with its score.
 */
function diagnosticsOf(report: LhReport): string[] {
  const out: string[] = [];
  const items = (id: string) => report.audits[id]?.details?.items ?? [];
  const num = (v: unknown) => Math.round(Number(v));
  const tasks = items("long-tasks").map(
    (t) => `${path(t.url)} ${num(t.duration)} ms at ${num(t.startTime)} ms`,
  );
  if (tasks.length > 0) out.push(`long tasks: ${tasks.slice(0, 6).join("; ")}`);
  const boot = items("bootup-time")
    .filter((b) => Number(b.total) >= 20)
    .map((b) => `${path(b.url)} ${num(b.scripting)}+${num(b.scriptParseCompile)} ms`);
  if (boot.length > 0) out.push(`script time (run+compile): ${boot.slice(0, 6).join("; ")}`);
  const shifts = items("layout-shifts").map((s) => {
    const node = s.node as { selector?: string; nodeLabel?: string } | undefined;
    return `${node?.selector ?? "?"} (${String(node?.nodeLabel ?? "").slice(0, 40)}) ${Number(s.score).toFixed(3)}`;
  });
  if (shifts.length > 0) out.push(`layout shifts: ${shifts.slice(0, 5).join("; ")}`);
  return out;
}

/** Runs Lighthouse once on `url`, signed in as `session` when given. */
export async function lighthouse(
  url: string,
  opts: {
    session?: Session;
    spkis: string[];
    chromiumArgs: string[];
    formFactor: FormFactor;
    /** Where to keep the whole JSON report (for `lighthouse-viewer` or a closer look at one run). */
    reportPath?: string;
  },
): Promise<LighthouseResult> {
  const profile = mkdtempSync(join(tmpdir(), "bench-lighthouse-"));
  const port = await freePort();
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      ...opts.chromiumArgs,
      `--remote-debugging-port=${port}`,
      `--ignore-certificate-errors-spki-list=${opts.spkis.join(",")}`,
    ],
  });
  try {
    if (opts.session) await addSession(browser, new URL(url).origin, opts.session);
    const args = [
      CLI,
      url,
      `--port=${port}`,
      "--output=json",
      "--output-path=stdout",
      `--only-categories=${CATEGORIES.join(",")}`,
      "--disable-storage-reset",
      "--quiet",
      ...(opts.formFactor === "desktop" ? ["--preset=desktop"] : []),
    ];
    const run = Bun.spawn(["node", ...args], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
      run.exited,
    ]);
    if (code !== 0) throw new Error(`lighthouse exited ${code}: ${err.slice(-2000)}`);
    const report = JSON.parse(out) as LhReport;
    if (opts.reportPath) await Bun.write(opts.reportPath, out);
    if (report.runtimeError)
      throw new Error(`lighthouse: ${report.runtimeError.code} ${report.runtimeError.message}`);
    const failed = failedLoads(report);
    if (failed.length > 0)
      throw new Error(
        `lighthouse: (PAGE_NOT_LOADED) ${failed.length} files failed, ${failed.slice(0, 3).join(", ")}`,
      );
    const score = (c: Category) => Math.round((report.categories[c]?.score ?? 0) * 100);
    const numeric = (id: string) => report.audits[id]?.numericValue ?? Number.NaN;
    return {
      scores: {
        performance: score("performance"),
        accessibility: score("accessibility"),
        "best-practices": score("best-practices"),
      },
      findings: findingsOf(report),
      diagnostics: diagnosticsOf(report),
      lcpMs: numeric("largest-contentful-paint"),
      tbtMs: numeric("total-blocking-time"),
      cls: numeric("cumulative-layout-shift"),
      benchmarkIndex: report.environment?.benchmarkIndex ?? Number.NaN,
    };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
