import { BarChart } from "@payments/ui";
import { DAILY_CHART_HEIGHT, type DayPoint } from "./report-data.ts";

/**
 * Money that went through per day, as bars (the design system's CSS bar chart). A chunk of its own,
 * loaded only when the reports page shows a chart. The chart is an image with a summary for screen
 * readers; the page's table under "Show the numbers" has every value.
 */
export function DailyChart({
  points,
  label,
  formatDay,
  formatMoney,
  formatAxis,
}: {
  points: readonly DayPoint[];
  label: string;
  formatDay(date: string): string;
  formatMoney(amount: number): string;
  /** Short money for the axis ("$1.2K"). */
  formatAxis(amount: number): string;
}) {
  const total = points.reduce((sum, p) => sum + p.volume, 0);
  return (
    <BarChart
      label={`${label}: ${formatMoney(total)} over ${points.length} days`}
      height={DAILY_CHART_HEIGHT}
      rows={points.map((p) => ({ label: p.date, values: { volume: p.volume } }))}
      series={[{ key: "volume", name: "Volume", colour: "var(--ui-primary)" }]}
      formatLabel={formatDay}
      formatValue={formatMoney}
      formatAxis={formatAxis}
    />
  );
}
