import { expect, test } from "bun:test";
import { composeReport, replaceCharts, type Section, splitSections } from "./report.ts";

const section = (name: string, output: string, charts: Section["charts"] = []): Section => ({
  name,
  date: "2026-11-22T10:00:00.000Z",
  seconds: 12.34,
  code: 0,
  output,
  charts,
});

test("a partial run replaces its sections and keeps the others, sorted by name", () => {
  const first = composeReport("", [section("ws", "ws table"), section("events", "old events table")]);
  const second = composeReport(first, [
    section("events", "new events table", [{ file: "charts/events-x.svg", title: "x" }]),
  ]);
  expect(second).toContain("ws table");
  expect(second).toContain("new events table");
  expect(second).not.toContain("old events table");
  expect(second).toContain("![events: x](charts/events-x.svg)");
  expect(second.indexOf("## events")).toBeLessThan(second.indexOf("## ws"));
  expect(second.match(/^## /gm)).toHaveLength(2);
});

test("a '## ' line inside a benchmark's output does not start a section", () => {
  const report = composeReport("", [section("gateway", "## not a heading\n| a | b |")]);
  expect([...splitSections(report).keys()]).toEqual(["gateway"]);
  expect(splitSections(report).get("gateway")).toContain("## not a heading");
});

test("a failed benchmark says so in its heading", () => {
  const report = composeReport("", [{ ...section("payments", "boom"), code: 1 }]);
  expect(report).toContain("## payments (failed, exit 1)");
  expect(report).toContain("Run 2026-11-22T10:00:00.000Z, 12.3 s.");
});

test("a redraw replaces one section's chart links and nothing else", () => {
  const report = composeReport("", [
    section("events", "events table", [{ file: "charts/events-old.svg", title: "old" }]),
    section("ws", "ws table", [{ file: "charts/ws-a.svg", title: "a" }]),
  ]);
  const redrawn = replaceCharts(report, "events", [{ file: "charts/events-new.svg", title: "new" }]);
  expect(redrawn).not.toContain("events-old.svg");
  expect(redrawn).toContain("![events: new](charts/events-new.svg)");
  expect(redrawn).toContain("![ws: a](charts/ws-a.svg)");
  expect(redrawn).toContain("events table");
});
