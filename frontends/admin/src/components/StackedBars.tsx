import type { DashboardPoint } from "@payments/api-client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { pivotByStatus, STATUS_COLOURS } from "./charts.ts";

/**
 * Counts per time bucket stacked by status. The chart is an image with a summary for screen readers;
 * the numbers stay available as a table under "Show data".
 */
export function StackedBars({
  points,
  label,
  formatBucket,
}: {
  points: readonly DashboardPoint[];
  label: string;
  formatBucket(bucket: string): string;
}) {
  const { rows, statuses } = pivotByStatus(points);
  const total = points.reduce((sum, p) => sum + p.count, 0);
  if (rows.length === 0) return <p className="ui-hint">No payments in this period yet.</p>;
  return (
    <figure style={{ margin: 0 }}>
      <div
        role="img"
        aria-label={`${label}: ${total} payments over ${rows.length} periods`}
        style={{ width: "100%", height: 260 }}
      >
        <ResponsiveContainer>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--ui-border)" />
            <XAxis
              dataKey="bucket"
              tickFormatter={formatBucket}
              stroke="var(--ui-text-muted)"
              fontSize={12}
            />
            <YAxis allowDecimals={false} stroke="var(--ui-text-muted)" fontSize={12} />
            <Tooltip labelFormatter={(value) => formatBucket(String(value))} />
            <Legend />
            {statuses.map((status) => (
              <Bar
                key={status}
                dataKey={status}
                stackId="status"
                fill={STATUS_COLOURS[status] ?? "var(--ui-primary)"}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Show data</summary>
        <table className="ui-table">
          <caption className="ui-visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {statuses.map((s) => (
                <th key={s} scope="col" className="ui-num">
                  {s.replaceAll("_", " ")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.bucket}>
                <td>{formatBucket(row.bucket)}</td>
                {statuses.map((s) => (
                  <td key={s} className="ui-num">
                    {row[s] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
