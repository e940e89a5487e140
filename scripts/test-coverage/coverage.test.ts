import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readIstanbul, readLcov, unloadedLines } from "./lines.ts";
import {
  belowFloors,
  coverageFailures,
  coverageTable,
  END,
  percent,
  replaceSection,
  START,
  tallyPackages,
} from "./report.ts";

const root = mkdtempSync(join(tmpdir(), "coverage-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("line coverage", () => {
  it("reads LCOV and Istanbul JSON, and a line any run executed counts as covered", () => {
    const lcov = "TN:\nSF:packages/a/src/x.ts\nDA:1,1\nDA:2,0\nDA:3,0\nLF:3\nLH:1\nend_of_record\n";
    const lines = readLcov(lcov, root);
    expect([...(lines.get("packages/a/src/x.ts")?.entries() ?? [])]).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    const istanbul = JSON.stringify({
      [join(root, "packages/a/src/x.ts")]: {
        path: join(root, "packages/a/src/x.ts"),
        statementMap: {
          0: { start: { line: 2 }, end: { line: 2 } },
          1: { start: { line: 3 }, end: { line: 4 } },
        },
        s: { 0: 3, 1: 0 },
      },
    });
    readIstanbul(istanbul, root, lines);
    expect(lines.get("packages/a/src/x.ts")?.get(2)).toBe(true);
    expect(lines.get("packages/a/src/x.ts")?.get(3)).toBe(false);
  });

  it("counts a file no test loaded with its executable-looking lines, all uncovered", () => {
    const file = join(root, "never.ts");
    writeFileSync(
      file,
      '/**\n * doc\n */\nimport { x } from "y";\nexport type T = number;\n\nconst a = 1;\n// note\nfunction f() {\n  return a;\n}\n',
    );
    // `const a`, `function f() {`, `return a;`: the doc, import, type, comment, blank and brace lines are not.
    expect(unloadedLines(file)).toBe(3);
    const [row] = tallyPackages(root, [{ name: "p", runner: "bun test", files: ["never.ts"] }], new Map());
    expect(row).toMatchObject({ covered: 0, total: 3, unloaded: 1 });
  });

  it("rounds down, flags packages under the target, and fails a drop below a recorded floor", () => {
    const rows = [
      { name: "packages/a", runner: "bun test" as const, covered: 2, total: 3, unloaded: 0 },
      { name: "packages/b", runner: "vitest" as const, covered: 9, total: 10, unloaded: 1 },
    ];
    expect(percent(rows[0] ?? { covered: 0, total: 0, unloaded: 0 })).toBe(66.6);
    const table = coverageTable(rows);
    expect(table).toContain("| packages/a | bun test | 2 | 3 | 66.6 (below 70 %) | 0 |");
    expect(table).toContain("| packages/b | vitest | 9 | 10 | 90.0 | 1 |");
    expect(table).toContain("| **all** | | 11 | 13 | 84.6 | |");
    expect(belowFloors(rows, { "packages/a": 60, "packages/b": 91 })).toEqual([
      "packages/b: 90.0 % < floor 91 %",
    ]);
  });

  it("rewrites only the generated section of the quality document", () => {
    const doc = `# Quality\nbefore\n${START}\nold table\n${END}\nafter\n`;
    expect(replaceSection(doc, "new table")).toBe(`# Quality\nbefore\n${START}\nnew table\n${END}\nafter\n`);
    expect(() => replaceSection("# no markers", "x")).toThrow();
  });
});

describe("thresholds", () => {
  const row = (name: string, covered: number) =>
    ({ name, runner: "bun test", covered, total: 100, unloaded: 0 }) as const;

  it("fails a package under the 70 % target or under its own recorded floor, and passes the rest", () => {
    const rows = [
      row("packages/a", 69),
      row("packages/b", 90),
      row("packages/c", 85),
      row("packages/new", 75),
    ];
    expect(coverageFailures(rows, { "packages/a": 60, "packages/b": 91, "packages/c": 85 })).toEqual([
      "packages/a: 69.0 % < the 70 % target",
      "packages/b: 90.0 % < floor 91 %",
    ]);
    expect(coverageFailures([row("packages/c", 85)], { "packages/c": 85 })).toEqual([]);
  });
});
