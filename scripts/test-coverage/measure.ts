/**
 * How line coverage is measured, shared by `bun run coverage` (which also writes docs/quality.md) and
 * `bun run test` (which measures while it runs the suites, so CI enforces the floors without a second run):
 * the command lines that make `bun test` and each frontend's vitest write their reports into `work`, and
 * the per-package tally of those reports.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type LineMap, readIstanbul, readLcov } from "./lines.ts";
import { coverageFailures, type Floors, type PackageCoverage, tallyPackages } from "./report.ts";

export const root = join(import.meta.dir, "..", "..");
export const floorsFile = join(import.meta.dir, "floors.json");

/** Packages measured by vitest (browser code); every other workspace package by `bun test`. */
const VITEST_PACKAGES = new Set(["packages/api-client", "packages/ui"]);
export const FRONTENDS = ["shell", "auth", "payments", "admin"];

/** Flags that make `bun test` write LCOV into `work/bun`. */
export function bunCoverageFlags(work: string): string[] {
  return ["--coverage", "--coverage-reporter=lcov", `--coverage-dir=${join(work, "bun")}`];
}

/** `vitest run` of frontend `app` with v8 coverage into `work/<app>` (the shell's also covers api-client). */
export function vitestCommand(app: string, work: string): string[] {
  const includes = [
    "src/**",
    "../../packages/ui/src/**",
    ...(app === "shell" ? ["../../packages/api-client/src/**"] : []),
  ];
  return [
    join(root, "frontends", app, "node_modules", ".bin", "vitest"),
    "run",
    "--pool=threads",
    "--coverage.enabled",
    "--coverage.provider=v8",
    "--coverage.reporter=json",
    "--coverage.allowExternal",
    `--coverage.reportsDirectory=${join(work, app)}`,
    ...includes.map((glob) => `--coverage.include=${glob}`),
  ];
}

function sourceFiles(dir: string): string[] {
  const src = join(root, dir, "src");
  if (!existsSync(src)) return [];
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(test|typecheck|d)\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((file) => !file.includes("/generated/"))
    .sort();
}

/** Per-package line coverage from the reports the commands above wrote into `work`. */
export function tally(work: string): PackageCoverage[] {
  const lines: LineMap = new Map();
  const lcov = join(work, "bun", "lcov.info");
  if (existsSync(lcov)) readLcov(readFileSync(lcov, "utf8"), root, lines);
  const vitestLines: LineMap = new Map();
  for (const app of FRONTENDS) {
    const report = join(work, app, "coverage-final.json");
    if (existsSync(report)) readIstanbul(readFileSync(report, "utf8"), root, vitestLines);
  }
  const dirs = [
    ...readdirSync(join(root, "packages")).map((name) => `packages/${name}`),
    ...readdirSync(join(root, "services")).map((name) => `services/${name}`),
    ...FRONTENDS.map((name) => `frontends/${name}`),
  ].filter((dir) => sourceFiles(dir).length > 0);
  return dirs.flatMap((dir) => {
    const vitest = dir.startsWith("frontends/") || VITEST_PACKAGES.has(dir);
    return tallyPackages(
      root,
      [{ name: dir, runner: vitest ? "vitest" : "bun test", files: sourceFiles(dir) }],
      vitest ? vitestLines : lines,
    );
  });
}

/** Packages under 70 % or under their recorded floor. */
export function failuresOf(rows: PackageCoverage[]): string[] {
  return coverageFailures(rows, JSON.parse(readFileSync(floorsFile, "utf8")) as Floors);
}
