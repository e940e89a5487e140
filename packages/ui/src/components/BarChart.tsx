import type { CSSProperties } from "react";

/** One coloured part of every bar (a status, or the one measure of a plain bar chart). */
export interface BarSeries {
  key: string;
  /** Words for the legend and the bar's tooltip. */
  name: string;
  /** A CSS colour (a design token: `var(--ui-primary)`). */
  colour: string;
}

/** One bar: its category (a day, a minute) and a value per series. */
export interface BarRow {
  label: string;
  values: Readonly<Record<string, number>>;
}

export interface BarChartProps {
  rows: readonly BarRow[];
  series: readonly BarSeries[];
  /** The accessible name (the chart is an image; the page's table has every value). */
  label: string;
  /** Height in px of the whole chart, axis and legend included (a placeholder can match it). */
  height: number;
  formatLabel(label: string): string;
  /** A value in a bar's tooltip ("$12.50", "3"). */
  formatValue(value: number): string;
  /** A value on the axis, short ("$1.2K"). */
  formatAxis(value: number): string;
  /** Show a legend under the bars (for more than one series). */
  legend?: boolean;
  /** Whole numbers only on the axis (counts). */
  integers?: boolean;
}

/** Axis ticks from 0 up to a round maximum at or above `max`: 0, ¼, ½, ¾ and the maximum. */
export function axisTicks(max: number, integers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const whole = integers ? Math.max(1, Math.ceil(step)) : step;
  return [0, 1, 2, 3, 4].map((i) => i * whole);
}

/** At most this many category labels under the bars, evenly spaced, so they never overlap. */
const MAX_LABELS = 6;

/**
 * Stacked bars drawn with CSS (no chart library: recharts was ~90 KB of a page's first load, issue 21).
 * Widths are fractions of the container, so the chart is as wide as its card at once — no measuring, no
 * sideways scroll while a resize is pending. Each bar names its category and values in its tooltip.
 */
export function BarChart({
  rows,
  series,
  label,
  height,
  formatLabel,
  formatValue,
  formatAxis,
  legend = false,
  integers = false,
}: BarChartProps) {
  const totals = rows.map((row) => series.reduce((sum, s) => sum + (row.values[s.key] ?? 0), 0));
  const ticks = axisTicks(Math.max(0, ...totals), integers);
  const top = ticks.at(-1) ?? 1;
  const every = Math.max(1, Math.ceil(rows.length / MAX_LABELS));
  const columns: CSSProperties = {
    gridTemplateColumns: `repeat(${Math.max(1, rows.length)}, minmax(0, 1fr))`,
    // An hour of minutes on a phone: a gap of 2 px would leave the bars no room.
    columnGap: rows.length > 31 ? 1 : 2,
  };
  return (
    <div className="ui-barchart" role="img" aria-label={label} style={{ height }}>
      <div className="ui-barchart__plot">
        <div className="ui-barchart__axis" aria-hidden="true">
          {ticks.map((tick) => (
            <span key={tick} style={{ bottom: `${(tick / top) * 100}%` }}>
              {formatAxis(tick)}
            </span>
          ))}
        </div>
        <div className="ui-barchart__bars" style={columns}>
          {ticks.map((tick) => (
            <div key={tick} className="ui-barchart__grid" style={{ bottom: `${(tick / top) * 100}%` }} />
          ))}
          {rows.map((row, i) => (
            <div
              key={row.label}
              className="ui-barchart__column"
              title={[
                formatLabel(row.label),
                ...series
                  .filter((s) => (row.values[s.key] ?? 0) > 0)
                  .map((s) => `${s.name}: ${formatValue(row.values[s.key] ?? 0)}`),
              ].join("\n")}
            >
              <div className="ui-barchart__stack" style={{ height: `${((totals[i] ?? 0) / top) * 100}%` }}>
                {series.map((s) =>
                  (row.values[s.key] ?? 0) > 0 ? (
                    <div
                      key={s.key}
                      className="ui-barchart__bar"
                      style={{ flexGrow: row.values[s.key], background: s.colour }}
                    />
                  ) : null,
                )}
              </div>
            </div>
          ))}
        </div>
        <div className="ui-barchart__labels" style={columns} aria-hidden="true">
          {rows.map((row, i) => (
            // Every other label gives way on a narrow card (a container query in components.css).
            <span key={row.label} data-odd={(i / every) % 2 === 1 ? "" : undefined}>
              {i % every === 0 ? formatLabel(row.label) : ""}
            </span>
          ))}
        </div>
      </div>
      {legend ? (
        <ul className="ui-barchart__legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.key}>
              <span className="ui-barchart__swatch" style={{ background: s.colour }} />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
