/** The per-package coverage table: what `bun run coverage` prints and writes into docs/quality.md. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LineMap, type Tally, tallyFile, unloadedLines } from "./lines.ts";

/** The line-coverage target of the specification. */
export const TARGET_PERCENT = 70;

/** One row: a workspace package and how its source is covered. */
export interface PackageCoverage extends Tally {
  name: string;
  /** Which suite measures it: `bun test` or vitest. */
  runner: "bun test" | "vitest";
}

/** Covered share in percent, one decimal; 100 for a package without executable lines. */
export function percent(row: Tally): number {
  return row.total === 0 ? 100 : Math.floor((row.covered / row.total) * 1000) / 10;
}

/** Tallies each package's source files (`files` relative to the root) against the merged line map. */
export function tallyPackages(
  root: string,
  packages: ReadonlyArray<{ name: string; runner: PackageCoverage["runner"]; files: string[] }>,
  lines: LineMap,
): PackageCoverage[] {
  return packages.map(({ name, runner, files }) => {
    const row: PackageCoverage = { name, runner, covered: 0, total: 0, unloaded: 0 };
    for (const file of files)
      tallyFile(row, lines.get(file), lines.has(file) ? 0 : unloadedLines(join(root, file)));
    return row;
  });
}

/** The Markdown table (also what the command prints). */
export function coverageTable(rows: readonly PackageCoverage[]): string {
  const lines = [
    "| package | runner | lines covered | lines | % | source files no test loads |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const pct = percent(row);
    const flag = pct < TARGET_PERCENT ? ` (below ${TARGET_PERCENT} %)` : "";
    lines.push(
      `| ${row.name} | ${row.runner} | ${row.covered} | ${row.total} | ${pct.toFixed(1)}${flag} | ${row.unloaded} |`,
    );
  }
  const all = rows.reduce(
    (sum, row) => ({ covered: sum.covered + row.covered, total: sum.total + row.total }),
    {
      covered: 0,
      total: 0,
    },
  );
  lines.push(
    `| **all** | | ${all.covered} | ${all.total} | ${percent({ ...all, unloaded: 0 }).toFixed(1)} | |`,
  );
  return lines.join("\n");
}

export const START = "<!-- coverage:start (bun run coverage writes this section) -->";
export const END = "<!-- coverage:end -->";

/** Replaces the generated section of `markdown` (between the markers) with `section`. */
export function replaceSection(markdown: string, section: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end < start) throw new Error(`no ${START} … ${END} section to write`);
  return `${markdown.slice(0, start + START.length)}\n${section}\n${markdown.slice(end)}`;
}

/** Writes the section into the file at `path`. */
export function writeSection(path: string, section: string): void {
  writeFileSync(path, replaceSection(readFileSync(path, "utf8"), section));
}

/** Floors recorded by the last `--record`: a package may not fall below its own (the check of CI). */
export type Floors = Record<string, number>;

/** Packages now below their recorded floor, as readable lines. */
export function belowFloors(rows: readonly PackageCoverage[], floors: Floors): string[] {
  return rows
    .filter((row) => floors[row.name] !== undefined && percent(row) < (floors[row.name] ?? 0))
    .map((row) => `${row.name}: ${percent(row).toFixed(1)} % < floor ${floors[row.name]} %`);
}

/**
 * Why a run fails, as readable lines: a package under the specification's {@link TARGET_PERCENT} of lines,
 * or under the floor its last `--record` measured (so coverage cannot fall silently even above the target).
 */
export function coverageFailures(rows: readonly PackageCoverage[], floors: Floors): string[] {
  const under = rows
    .filter((row) => percent(row) < TARGET_PERCENT)
    .map((row) => `${row.name}: ${percent(row).toFixed(1)} % < the ${TARGET_PERCENT} % target`);
  return [...under, ...belowFloors(rows, floors)];
}
