import { expect, test } from "bun:test";
import type { LoadResult } from "./load.ts";
import { figuresOf, formatTable, rowOf } from "./table.ts";

const summary = (p50: number, p99: number, max: number) => ({ p50, p99, max });
const result = (over: Partial<LoadResult>): LoadResult => ({
  requests: 1000,
  errors: 0,
  unsent: 0,
  elapsedMs: 2000,
  latencies: [1, 2, 30],
  serviceTime: summary(1, 2, 3),
  // An empty summary crosses the load process's JSON with nulls for its NaNs.
  startLag: JSON.parse(JSON.stringify(summary(Number.NaN, Number.NaN, Number.NaN))),
  statuses: { 201: 1000 },
  cpuMs: 100,
  ...over,
});

const rows = [
  rowOf("create payment (POST /)", 50, undefined, result({}), 500),
  rowOf("create payment (POST /)", 50, 2000, result({ unsent: 9, latencies: [400, 5000, 6000] }), 500),
  rowOf("cached read (GET /:id)", 50, 5000, result({ startLag: summary(0.5, 1.25, 2) }), 50),
];

test("rows: achieved rate, latency from the load's latencies, CPU per request, the lag only when measured", () => {
  expect(rows[0]).toMatchObject({ perSecond: 500, p50Ms: 2, p99Ms: 30, maxMs: 30, p99SentMs: 2, unsent: 0 });
  expect(rows[0]?.serviceCpuMs).toBe(0.5);
  expect(rows[0]?.p99StartLagMs).toBeNaN();
  expect(rows[2]?.p99StartLagMs).toBe(1.25);
});

test("the table says closed loop or the offered rate, and '-' where nothing was measured", () => {
  const lines = formatTable(rows).split("\n");
  expect(lines[0]).toContain("load");
  expect(lines[2]).toMatch(/create payment \(POST \/\)\s+closed\s+50/);
  expect(lines[3]).toMatch(/2,000\/s\s+50\s+1000\s+0\s+9\s/);
  expect(lines[2]?.trimEnd()).toMatch(/-\s+0\.500\s+0\.100$/);
});

test("figures: an overloaded fixed rate gets its own latency chart; only rates ≥ 2,000 carry the rate target", () => {
  const figures = figuresOf(rows);
  const charts = (label: string) => [
    ...new Set(figures.filter((f) => f.label === label).map((f) => f.chart)),
  ];
  expect(charts("create payment (POST /), 2,000/s")).toContain(
    "latency from the intended start, fixed rate not kept up, 50 connections",
  );
  expect(charts("cached read (GET /:id), 5,000/s")).toContain(
    "latency from the intended start, fixed rate kept up, 50 connections",
  );
  const rateTargets = figures.filter((f) => f.unit === "req/s" && f.target).map((f) => f.label);
  expect(rateTargets).toEqual(["create payment (POST /), closed", "create payment (POST /), 2,000/s"]);
  expect(figures.find((f) => f.label.endsWith("5,000/s") && f.series === "offered")?.value).toBe(5000);
});
