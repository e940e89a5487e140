/**
 * Line coverage read from the two tools' own formats and merged per file: `bun test`'s LCOV and Vitest's
 * Istanbul JSON (v8 provider). A line counts as covered when any run executed it.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

/** Per file (path relative to the repository): each executable line and whether it ran. */
export type LineMap = Map<string, Map<number, boolean>>;

function note(into: LineMap, file: string, line: number, hit: boolean): void {
  let lines = into.get(file);
  if (!lines) {
    lines = new Map();
    into.set(file, lines);
  }
  lines.set(line, (lines.get(line) ?? false) || hit);
}

function repoPath(root: string, file: string): string {
  return relative(root, isAbsolute(file) ? file : resolve(root, file));
}

/** `DA:<line>,<hits>` records of an LCOV file, by `SF:` file. */
export function readLcov(text: string, root: string, into: LineMap = new Map()): LineMap {
  let file: string | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) file = repoPath(root, line.slice(3).trim());
    else if (line.startsWith("DA:") && file) {
      const [at, hits] = line.slice(3).split(",");
      note(into, file, Number(at), Number(hits) > 0);
    } else if (line === "end_of_record") file = undefined;
  }
  return into;
}

interface IstanbulFile {
  path: string;
  statementMap: Record<string, { start: { line: number }; end: { line: number } }>;
  s: Record<string, number>;
}

/**
 * Istanbul's `coverage-final.json`: a line is executable when a statement starts on it, covered when one
 * of those statements ran (Istanbul's own definition of line coverage).
 */
export function readIstanbul(json: string, root: string, into: LineMap = new Map()): LineMap {
  const files = JSON.parse(json) as Record<string, IstanbulFile>;
  for (const data of Object.values(files)) {
    const file = repoPath(root, data.path);
    for (const [id, statement] of Object.entries(data.statementMap)) {
      note(into, file, statement.start.line, (data.s[id] ?? 0) > 0);
    }
  }
  return into;
}

/**
 * A file no test loaded has no record at all; it still counts, with every line that looks executable
 * (not blank, not only a comment, brace or import/export-type line) uncovered. An estimate, marked so.
 */
export function unloadedLines(path: string): number {
  let inComment = false;
  let count = 0;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (inComment) {
      if (line.includes("*/")) inComment = false;
      continue;
    }
    if (line.startsWith("/*")) {
      inComment = !line.includes("*/");
      continue;
    }
    if (line === "" || line.startsWith("//") || /^[{}()[\];,]+$/.test(line)) continue;
    if (/^(import|export)\s+(type\s|\{[^}]*\}\s+from|\*\s+from)/.test(line)) continue;
    count++;
  }
  return count;
}

/** Covered and total lines of a set of files. */
export interface Tally {
  covered: number;
  total: number;
  /** Source files no test loaded (counted with {@link unloadedLines}). */
  unloaded: number;
}

/** Adds one file's lines to a tally. */
export function tallyFile(tally: Tally, lines: Map<number, boolean> | undefined, unloaded: number): void {
  if (!lines) {
    tally.total += unloaded;
    tally.unloaded++;
    return;
  }
  for (const hit of lines.values()) {
    tally.total++;
    if (hit) tally.covered++;
  }
}
