import type { DashboardBucket } from "@payments/api-client";
import { BarChart, Table } from "@payments/ui";
import {
  rowsByStatus,
  STACKED_BARS_HEIGHT,
  STATUS_COLOURS,
  statusWords,
  VOLUME_BARS_HEIGHT,
  volumeRows,
} from "./charts.ts";

/**
 * Payments per time bucket stacked by their status now, every bucket on the axis (empty ones too). The
 * chart is an image with a summary for screen readers; the numbers stay available as a table under
 * "Show data".
 */
export function StackedBars({
  buckets,
  label,
  formatBucket,
}: {
  buckets: readonly DashboardBucket[];
  label: string;
  formatBucket(bucket: string): string;
}) {
  const { rows, statuses } = rowsByStatus(buckets);
  const total = buckets.reduce((sum, b) => sum + b.payments, 0);
  return (
    <figure style={{ margin: 0 }}>
      <BarChart
        label={`${label}: ${total} payments over ${rows.length} periods`}
        height={STACKED_BARS_HEIGHT}
        rows={rows.map(({ bucket, ...counts }) => ({ label: bucket, values: numbers(counts) }))}
        series={statuses.map((status) => ({
          key: status,
          name: statusWords(status),
          colour: STATUS_COLOURS[status] ?? "var(--ui-primary)",
        }))}
        formatLabel={formatBucket}
        formatValue={String}
        formatAxis={String}
        legend={statuses.length > 0}
        integers
      />
      {total === 0 ? <p className="ui-hint">No payments in this period.</p> : null}
      <details>
        <summary>Show data</summary>
        <Table caption={label} hideCaption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="ui-num">
                Payments
              </th>
              {statuses.map((s) => (
                <th key={s} scope="col" className="ui-num">
                  {statusWords(s)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((_, i) => (buckets[i]?.payments ?? 0) > 0)
              .map((row) => (
                <tr key={row.bucket}>
                  <td className="ui-nowrap">{formatBucket(row.bucket)}</td>
                  <td className="ui-num">
                    {statuses.reduce((n, s) => n + (typeof row[s] === "number" ? Number(row[s]) : 0), 0)}
                  </td>
                  {statuses.map((s) => (
                    <td key={s} className="ui-num">
                      {row[s] ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </Table>
      </details>
    </figure>
  );
}

/** The numeric fields of a row (its statuses' counts). */
function numbers(row: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(row).filter((e): e is [string, number] => typeof e[1] === "number"),
  );
}

/** Money captured per bucket in one currency, as bars (an image with a summary; the table has the values). */
export function VolumeBars({
  buckets,
  currency,
  label,
  formatBucket,
  formatMoney,
  formatAxis,
}: {
  buckets: readonly DashboardBucket[];
  currency: string;
  label: string;
  formatBucket(bucket: string): string;
  formatMoney(amount: number): string;
  /** Short money for the axis ("$1.2K"). */
  formatAxis(amount: number): string;
}) {
  const rows = volumeRows(buckets, currency);
  const total = rows.reduce((sum, r) => sum + r.volume, 0);
  return (
    <figure style={{ margin: 0 }}>
      <BarChart
        label={`${label}: ${formatMoney(total)} over ${rows.length} periods`}
        height={VOLUME_BARS_HEIGHT}
        rows={rows.map((r) => ({ label: r.bucket, values: { volume: r.volume } }))}
        series={[{ key: "volume", name: "Captured", colour: "var(--ui-primary)" }]}
        formatLabel={formatBucket}
        formatValue={formatMoney}
        formatAxis={formatAxis}
      />
      <details>
        <summary>Show data</summary>
        <Table caption={label} hideCaption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="ui-num">
                Payments
              </th>
              <th scope="col" className="ui-num">
                Captured
              </th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((r) => r.payments > 0)
              .map((r) => (
                <tr key={r.bucket}>
                  <td className="ui-nowrap">{formatBucket(r.bucket)}</td>
                  <td className="ui-num">{r.payments}</td>
                  <td className="ui-num ui-nowrap">{formatMoney(r.volume)}</td>
                </tr>
              ))}
          </tbody>
        </Table>
      </details>
    </figure>
  );
}
