import { describe, expect, test } from "bun:test";
import { formatValue, renderCharts, slug } from "./charts.ts";
import { type BenchFigures, parseFigures } from "./figures.ts";

const record: BenchFigures = {
  bench: "events",
  date: "2026-11-22T00:00:00.000Z",
  figures: [
    {
      chart: "confirmed publishes/s",
      label: "classic queue",
      series: "bus",
      value: 6970,
      unit: "msg/s",
      target: { value: 20_000, kind: "min" },
    },
    {
      chart: "confirmed publishes/s",
      label: "classic queue",
      series: "bare amqplib",
      value: 8558,
      unit: "msg/s",
    },
    { chart: "confirmed publishes/s", label: "quorum queue", series: "bus", value: 10_324, unit: "msg/s" },
    {
      chart: "confirmed publishes/s",
      label: "quorum queue",
      series: "bare amqplib",
      value: 11_991,
      unit: "msg/s",
    },
    { chart: "publish→handler p99", label: "quorum queue", series: "bus", value: 17.18, unit: "ms" },
  ],
};

/** The bars of a chart (the first layer's rect marks): their series and drawn widths, in drawing order. */
function bars(svg: string): Array<{ label: string; series: string; width: number }> {
  const found = [
    ...svg.matchAll(
      /<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="M[\d.]+,[\d.]+h([\d.]+)/g,
    ),
  ];
  return found.map((m) => ({
    label: /row: ([^;]*)/.exec(m[1] ?? "")?.[1] ?? "",
    series: /series: ([^;]*)/.exec(m[1] ?? "")?.[1] ?? "",
    width: Number(m[2]),
  }));
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("renderCharts", () => {
  test("one SVG per chart title, named after the benchmark and the title", async () => {
    const charts = await renderCharts(record);
    expect(charts.map((c) => c.id)).toEqual(["events-confirmed-publishes-s", "events-publish-handler-p99"]);
    for (const c of charts) expect(c.svg.startsWith("<svg")).toBe(true);
  });

  test("one bar per figure, each as long as its value says", async () => {
    const [publishes] = await renderCharts(record);
    const drawn = bars(publishes?.svg ?? "");
    expect(drawn.map((b) => `${b.label}/${b.series}`)).toEqual([
      "classic queue (target ≥ 20,000)/bus",
      "classic queue (target ≥ 20,000)/bare amqplib",
      "quorum queue/bus",
      "quorum queue/bare amqplib",
    ]);
    // Linear axis from zero: widths keep the values' proportions.
    const [a, , , d] = drawn;
    expect((d?.width ?? 0) / (a?.width ?? 1)).toBeCloseTo(11_991 / 6970, 2);
  });

  test("labels, printed values, legend, unit and target are in the SVG", async () => {
    const [publishes, latency] = await renderCharts(record);
    const words = texts(publishes?.svg ?? "");
    for (const w of ["quorum queue", "6,970", "11,991", "bus", "bare amqplib", "msg/s"])
      expect(words).toContain(w);
    // The target is named on its label's axis text and drawn as a tick (a rect mark of the third layer).
    expect(words).toContain("classic queue (target ≥ 20,000)");
    expect(publishes?.svg.match(/aria-roledescription="tick"/g)).toHaveLength(1);
    expect(words).toContain("confirmed publishes/s");
    const latencyWords = texts(latency?.svg ?? "");
    expect(latencyWords).toContain("17.2");
    expect(latencyWords).not.toContain("bus"); // one series: no legend
    expect(bars(latency?.svg ?? "")).toHaveLength(1);
  });

  test("a chart mixing units is refused", async () => {
    const mixed = { ...record, figures: [...record.figures, { ...record.figures[0], unit: "ms" }] };
    await expect(renderCharts(parseFigures(mixed))).rejects.toThrow("mixes units");
  });
});

describe("helpers", () => {
  test("formatValue groups thousands and keeps three significant digits", () => {
    expect(formatValue(63108.4)).toBe("63,108");
    expect(formatValue(17.18)).toBe("17.2");
    expect(formatValue(0.304)).toBe("0.3");
    expect(formatValue(Number.NaN)).toBe("n/a");
  });

  test("slug", () => {
    expect(slug("WS fan-out p99, 10,000 sockets")).toBe("ws-fan-out-p99-10-000-sockets");
  });

  test("parseFigures refuses another shape", () => {
    expect(() => parseFigures({ bench: "x", date: "d", figures: [{ chart: "c" }] })).toThrow();
  });
});
