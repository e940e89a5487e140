/**
 * The one shape every benchmark writes its figures in (`bench/out/<bench>.json`), so `bench/run.ts` can
 * draw them without knowing any benchmark: each figure names the chart it belongs to, its category on that
 * chart's axis and its series (one colour). A chart holds one unit; a figure may carry the target it is
 * judged against, drawn as a tick beside its bars.
 */
import { mkdir } from "node:fs/promises";
import { z } from "zod";

const targetSchema = z.object({
  value: z.number(),
  /** `max` = at most (latency, bytes), `min` = at least (throughput). */
  kind: z.enum(["max", "min"]),
});

const figureSchema = z.object({
  /** Title of the chart it belongs to; every figure of one chart has the same unit. */
  chart: z.string().min(1),
  /** Category on the chart's axis: a path, a scenario, a socket count. */
  label: z.string().min(1),
  /** Which bar of the category: "bus" / "bare amqplib", "p50" / "p99". */
  series: z.string().min(1),
  value: z.number(),
  unit: z.string(),
  target: targetSchema.optional(),
});

const benchFiguresSchema = z.object({
  bench: z.string().min(1),
  /** ISO time of the run. */
  date: z.string(),
  figures: z.array(figureSchema),
});

/** A bound a figure should stay within. */
export type Target = z.infer<typeof targetSchema>;
/** One measured number, placed in a chart. */
export type Figure = z.infer<typeof figureSchema>;
/** What one benchmark run wrote. */
export type BenchFigures = z.infer<typeof benchFiguresSchema>;

/**
 * A maker of one chart's figures, so a benchmark emits each in one short line:
 * `const rate = chartOf("requests/s", "req/s"); rate("create", "req/s", 479, atLeast(2_000))`.
 */
export function chartOf(chart: string, unit: string) {
  return (label: string, series: string, value: number, target?: Target): Figure => ({
    chart,
    label,
    series,
    value,
    unit,
    ...(target ? { target } : {}),
  });
}

export const atLeast = (value: number): Target => ({ value, kind: "min" });
export const atMost = (value: number): Target => ({ value, kind: "max" });

/** Where the benchmarks' figures go (gitignored: the charts drawn from them are what is kept). */
export const OUT_DIR = new URL("../out/", import.meta.url).pathname;

export const figuresPath = (bench: string): string => `${OUT_DIR}${bench}.json`;

/** Writes `figures` as `bench/out/<bench>.json`; a benchmark calls this once, at the end of its run. */
export async function writeFigures(bench: string, figures: Figure[]): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const record: BenchFigures = { bench, date: new Date().toISOString(), figures };
  await Bun.write(figuresPath(bench), `${JSON.stringify(record, null, 2)}\n`);
}

/** Parses a benchmark's figures; throws with zod's message when the shape is wrong. */
export function parseFigures(value: unknown): BenchFigures {
  return benchFiguresSchema.parse(value);
}

/** Reads what a benchmark wrote, undefined when it wrote nothing. */
export async function readFigures(bench: string): Promise<BenchFigures | undefined> {
  const file = Bun.file(figuresPath(bench));
  return (await file.exists()) ? parseFigures(await file.json()) : undefined;
}
