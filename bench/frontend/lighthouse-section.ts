/**
 * The Lighthouse part of the frontend report: every page in each form factor several times, the median of
 * each figure (Lighthouse's own advice on a noisy machine; this one has two cores shared with CI runs and
 * other work), the runs' spread beside it, and how busy the machine was while that page was measured: the
 * 1-minute load average at the end of its runs and Lighthouse's own CPU benchmark index (median of the
 * runs; its phone throttling is calibrated for a host index of about 1,000 or more — below that Lighthouse
 * itself warns the CPU is slower than it expects, and the throttled phone figures are slower than a phone). A run Chromium could not trace (NO_NAVSTART:
 * the trace lost the navigation's start, a hiccup of a loaded machine, not of the page) is run again.
 */
import { loadavg } from "node:os";
import { atLeast, chartOf, type Figure, OUT_DIR } from "../lib/figures.ts";
import type { Session, Viewer } from "./accounts.ts";
import { CATEGORIES, type FormFactor, type LighthouseResult, lighthouse } from "./lighthouse.ts";
import type { Entry } from "./visit.ts";

/** Attempts per run when Lighthouse fails with a runtime error (NO_NAVSTART and the like). */
const ATTEMPTS = 3;

export interface LighthouseOptions {
  origin: string;
  spkis: string[];
  chromiumArgs: string[];
  sessionFor(viewer: Viewer): Promise<Session | undefined>;
  /** Runs per page and form factor. */
  runs: Record<FormFactor, number>;
  /** The form factors to run (both by default). */
  formFactors?: readonly FormFactor[];
}

/** The middle value (the lower of the two middles for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
}

const ms = (n: number) => (Number.isNaN(n) ? "n/a" : `${Math.round(n)} ms`);
const mark = (ok: boolean) => (ok ? "✓" : "✗");
const load = () => (loadavg()[0] ?? 0).toFixed(1);

/** One run, tried again after a runtime error; the errors of failed attempts are returned with it. */
async function oneRun(
  entry: Entry,
  formFactor: FormFactor,
  opts: LighthouseOptions,
  run: number,
): Promise<{ result?: LighthouseResult; errors: string[] }> {
  const errors: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const result = await lighthouse(`${opts.origin}${entry.path}`, {
        session: await opts.sessionFor(entry.viewer),
        spkis: opts.spkis,
        chromiumArgs: opts.chromiumArgs,
        formFactor,
        reportPath: `${OUT_DIR}lighthouse/${entry.name.replaceAll(" ", "-")}-${formFactor}-${run}.json`,
      });
      return { result, errors };
    } catch (error) {
      const text = String(error).replace(/\s+/g, " ");
      errors.push(text.match(/\(([A-Z_]+)\)/)?.[1] ?? text.slice(0, 160));
    }
  }
  return { errors };
}

/** Prints the Lighthouse table and what lost points; returns the figures for the charts. */
export async function lighthouseSection(pages: Entry[], opts: LighthouseOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  const lost: string[] = [];
  console.log(
    `\nLighthouse 12.8 (Debian Chromium, headless, through Caddy); target ≥ 95 in each category; median of ${opts.runs.desktop} runs on desktop, ${opts.runs.mobile} on mobile\n`,
  );
  console.log(
    "| page | form factor | performance (runs) | accessibility | best practices | LCP | TBT | CLS | load avg | CPU index |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const formFactor of opts.formFactors ?? (["desktop", "mobile"] as const)) {
    const score = chartOf(`Lighthouse, ${formFactor}, median`, "score");
    for (const entry of pages) {
      const runs: LighthouseResult[] = [];
      const errors: string[] = [];
      for (let i = 0; i < opts.runs[formFactor]; i++) {
        const run = await oneRun(entry, formFactor, opts, i + 1);
        if (run.result) runs.push(run.result);
        errors.push(...run.errors);
      }
      const retried = errors.length > 0 ? `; retried: ${errors.join(", ")}` : "";
      if (runs.length === 0) {
        console.log(`| ${entry.name} | ${formFactor} | failed${retried} | | | | | | ${load()} | |`);
        continue;
      }
      const cells = CATEGORIES.map((c) => {
        const value = median(runs.map((r) => r.scores[c]));
        figures.push(score(entry.name, c, value, atLeast(95)));
        const spread = c === "performance" ? ` (${runs.map((r) => r.scores[c]).join(", ")})` : "";
        return `${value} ${mark(value >= 95)}${spread}`;
      });
      const cls = median(runs.map((r) => r.cls));
      console.log(
        `| ${entry.name} | ${formFactor}${retried} | ${cells.join(" | ")} | ${ms(median(runs.map((r) => r.lcpMs)))} | ${ms(median(runs.map((r) => r.tbtMs)))} | ${cls.toFixed(3)} | ${load()} | ${Math.round(median(runs.map((r) => r.benchmarkIndex)))} |`,
      );
      // What lost points and why, from the run whose performance is the median one.
      const typical = [...runs].sort((a, b) => a.scores.performance - b.scores.performance)[
        Math.floor((runs.length - 1) / 2)
      ];
      if (typical && CATEGORIES.some((c) => typical.scores[c] < 100)) {
        for (const line of [...typical.findings, ...typical.diagnostics])
          lost.push(`${entry.name}, ${formFactor}: ${line}`);
      }
    }
  }
  if (lost.length > 0) {
    console.log(
      "\nWhere points were lost, in each page's median run (audit, its score, its value), and why:",
    );
    for (const line of lost) console.log(`  ${line}`);
  }
  return figures;
}
