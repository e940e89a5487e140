/**
 * Draws benchmark figures as SVG with Vega-Lite (compiled to Vega, rendered headless: no browser, no
 * canvas). Pure: figures in, SVG text out; `bench/run.ts` decides where the files go. One chart per
 * `Figure.chart`: horizontal bars, one row per label, one bar per series, the value printed at the end of
 * each bar, and a red tick where a figure's target lies (named on the axis).
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { BenchFigures, Figure, Target } from "./figures.ts";

/** One drawn chart. */
export interface Chart {
  /** File-name-safe id, unique within its benchmark: `<bench>-<slug of the title>`. */
  id: string;
  title: string;
  svg: string;
}

const BAR_WIDTH = 420;

/** Lower-case words joined by dashes: "publish→handler p99, ms" → "publish-handler-p99-ms". */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "chart"
  );
}

/** A value as printed beside its bar: thousands grouped, at most two decimals, three significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString("en", { maximumFractionDigits: digits });
}

/** Unique values in first-seen order (the order a benchmark printed them in). */
const unique = (values: string[]): string[] => [...new Set(values)];

/** "≤ 200" / "≥ 2,000". */
const targetText = (t: Target) => `${t.kind === "max" ? "≤" : "≥"} ${formatValue(t.value)}`;

/**
 * The Vega-Lite spec of one chart: its figures must share one unit. A label with a target reads
 * "label (target ≤ 200)" on the axis (text beside the tick would sit on the bars).
 */
export function barSpec(title: string, figures: Figure[]): TopLevelSpec {
  const unit = figures[0]?.unit ?? "";
  const series = unique(figures.map((f) => f.series));
  const targets = new Map<string, Target[]>();
  for (const f of figures) {
    const list = targets.get(f.label) ?? [];
    if (f.target && !list.some((t) => t.value === f.target?.value && t.kind === f.target?.kind))
      list.push(f.target);
    targets.set(f.label, list);
  }
  const row = (label: string) => {
    const list = targets.get(label) ?? [];
    return list.length === 0 ? label : `${label} (target ${list.map(targetText).join(", ")})`;
  };
  const rows = figures.map((f) => ({ ...f, row: row(f.label), text: formatValue(f.value) }));
  const ticks = [...targets].flatMap(([label, list]) =>
    list.map((t) => ({ row: row(label), value: t.value })),
  );
  const y = {
    field: "row",
    type: "nominal",
    title: null,
    sort: unique(rows.map((r) => r.row)),
    axis: { labelLimit: 480 },
  } as const;
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>["layer"]> = [
    {
      mark: { type: "bar" },
      encoding: {
        y,
        yOffset: { field: "series", sort: series },
        x: { field: "value", type: "quantitative", title: unit || null },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          scale: { domain: series },
          legend: series.length > 1 ? { orient: "bottom" } : null,
        },
      },
    },
    {
      mark: { type: "text", align: "left", baseline: "middle", dx: 3, fontSize: 10 },
      encoding: {
        y,
        yOffset: { field: "series", sort: series },
        x: { field: "value", type: "quantitative" },
        text: { field: "text" },
      },
    },
  ];
  if (ticks.length > 0) {
    layers.push({
      data: { values: ticks },
      mark: { type: "tick", color: "#d62728", thickness: 2 },
      encoding: { y, x: { field: "value", type: "quantitative" } },
    });
  }
  const labelCount = unique(rows.map((r) => r.row)).length;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, anchor: "start" },
    width: BAR_WIDTH,
    // A fixed height (not a step): a step per row conflicts with the per-series offset inside it.
    height: labelCount * Math.max(28, 14 * series.length + 12),
    data: { values: rows },
    layer: layers,
    config: { font: "sans-serif", view: { stroke: null }, axis: { labelFontSize: 11, labelLimit: 480 } },
  };
}

/** Renders any Vega-Lite spec to SVG, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every chart of one benchmark's figures, in the order their first figure appears. */
export async function renderCharts(record: BenchFigures): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const title of unique(record.figures.map((f) => f.chart))) {
    const figures = record.figures.filter((f) => f.chart === title);
    const units = unique(figures.map((f) => f.unit));
    if (units.length > 1) throw new Error(`chart "${title}" mixes units: ${units.join(", ")}`);
    charts.push({
      id: `${record.bench}-${slug(title)}`,
      title,
      svg: await renderSvg(barSpec(title, figures)),
    });
  }
  return charts;
}
