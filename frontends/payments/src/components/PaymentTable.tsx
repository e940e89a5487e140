import type { Payment, Role } from "@payments/api-client";
import { Table, useFormatters } from "@payments/ui";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { partyColumns, payeeName, payerName, paymentTitle, sideOf } from "./parties.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/**
 * Payments as a table: date, what (description, or amount and counterparty), the other party, amount,
 * status. On a phone each row becomes a card — what and amount on top, party and status below, the date
 * last — through the cells' `order` (ignored by a table) and the design system's stacked table.
 */
export function PaymentTable({
  payments,
  caption,
  role,
  userId,
  basePath,
}: {
  payments: readonly Payment[];
  caption: ReactNode;
  role: Role | undefined;
  userId: string | undefined;
  basePath: string;
}) {
  const format = useFormatters();
  const columns = partyColumns(role);
  return (
    <Table caption={caption} stack>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Payment</th>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          <th scope="col" className="ui-num">
            Amount
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {payments.map((payment) => {
          const amount = format.money(payment.amount, payment.currency);
          return (
            <tr key={payment.id}>
              <td className="ui-nowrap ui-cell--meta" style={{ order: 5 }}>
                <time dateTime={payment.created_at}>{format.dateTime(payment.created_at)}</time>
              </td>
              <td style={{ order: 1 }}>
                <Link to={`${basePath}/${payment.id}`}>
                  {paymentTitle(payment, sideOf(payment, userId), amount)}
                </Link>
              </td>
              {columns.map((column) => (
                <td key={column} className="ui-cell--meta" style={{ order: 3 }}>
                  {/* On a card the header is hidden: say which side the name is on. */}
                  <span className="ui-table__label">{column} </span>
                  {column === "From" ? payerName(payment) : payeeName(payment)}
                </td>
              ))}
              <td className="ui-num ui-nowrap ui-cell--end" style={{ order: 2 }}>
                {amount}
              </td>
              <td className="ui-cell--end" style={{ order: 4 }}>
                <StatusBadge status={payment.status} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
