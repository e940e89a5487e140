import { Table } from "@payments/ui";
import type { DayPoint } from "./report-data.ts";

/**
 * The report's days with payments, as numbers: the chart's data for screen readers and for people who
 * would rather read. A card per day on a phone (day and amount on top, counts below).
 */
export function DayTable({
  points,
  caption,
  moved,
  formatDay,
  money,
}: {
  points: readonly DayPoint[];
  caption: string;
  /** "Paid" or "Received". */
  moved: string;
  formatDay(date: string): string;
  money(amount: number): string;
}) {
  const label = (text: string) => <span className="ui-table__label">{text} </span>;
  return (
    <Table caption={<span className="ui-visually-hidden">{caption}</span>} stack>
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col" className="ui-num">
            Payments
          </th>
          <th scope="col" className="ui-num">
            Failed
          </th>
          <th scope="col" className="ui-num">
            {moved}
          </th>
          <th scope="col" className="ui-num">
            Refunded
          </th>
        </tr>
      </thead>
      <tbody>
        {points
          .filter((p) => p.count > 0)
          .map((p) => (
            <tr key={p.date}>
              <td className="ui-nowrap" style={{ order: 1 }}>
                {formatDay(p.date)}
              </td>
              <td className="ui-num ui-cell--meta" style={{ order: 3 }}>
                {label("Payments")}
                {p.count}
              </td>
              <td className="ui-num ui-cell--meta ui-cell--end" style={{ order: 4 }}>
                {label("Failed")}
                {p.failed}
              </td>
              <td className="ui-num ui-nowrap ui-cell--end" style={{ order: 2 }}>
                {money(p.volume)}
              </td>
              <td className="ui-num ui-nowrap ui-cell--meta" style={{ order: 5 }}>
                {label("Refunded")}
                {money(p.refunded)}
              </td>
            </tr>
          ))}
      </tbody>
    </Table>
  );
}
