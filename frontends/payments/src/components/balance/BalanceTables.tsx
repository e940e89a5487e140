import type { Schema } from "@payments/api-client";
import { Badge, Table, useFormatters } from "@payments/ui";
import { Link } from "react-router";

type Line = Schema<"BalanceTransaction">;
type Payout = Schema<"Payout">;

/**
 * Balance lines: what moved the balance in words (who paid and for what, linked to the payment), with gross,
 * fee and net. Cards on a phone.
 */
export function TransactionsTable({ lines, basePath }: { lines: readonly Line[]; basePath: string }) {
  const format = useFormatters();
  return (
    <Table caption="Balance transactions" stack hideCaption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Description</th>
          <th scope="col" className="ui-num">
            Gross
          </th>
          <th scope="col" className="ui-num">
            Fee
          </th>
          <th scope="col" className="ui-num">
            Net
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.id}>
            <td className="ui-nowrap ui-cell--meta" style={{ order: 6 }}>
              <time dateTime={line.created_at}>{format.dateTime(line.created_at)}</time>
            </td>
            <td style={{ order: 1 }}>
              {line.payment_id ? (
                <Link to={`${basePath}/${line.payment_id}`}>{line.description}</Link>
              ) : (
                line.description
              )}
            </td>
            <td className="ui-num ui-nowrap ui-cell--meta" style={{ order: 3 }}>
              <span className="ui-table__label">Gross </span>
              {format.money(line.gross, line.currency)}
            </td>
            <td className="ui-num ui-nowrap ui-cell--meta" style={{ order: 4 }}>
              <span className="ui-table__label">Fee </span>
              {format.money(line.fee, line.currency)}
            </td>
            <td className="ui-num ui-nowrap ui-cell--end" style={{ order: 2 }}>
              <span className="ui-table__label">Net </span>
              {format.money(line.net, line.currency)}
            </td>
            <td className="ui-cell--end" style={{ order: 5 }}>
              {line.status === "pending" ? (
                <Badge tone="warning">Available {format.dateTime(line.available_on)}</Badge>
              ) : (
                <Badge tone="success">Available</Badge>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

const PAYOUT_TONES = { pending: "neutral", in_transit: "info", paid: "success", failed: "danger" } as const;
const PAYOUT_LABELS = {
  pending: "Pending",
  in_transit: "In transit",
  paid: "Paid",
  failed: "Failed",
} as const;

/** Payouts: amount, state, destination. Cards on a phone. */
export function PayoutsTable({ payouts }: { payouts: readonly Payout[] }) {
  const format = useFormatters();
  return (
    <Table caption="Payouts" stack hideCaption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">To</th>
          <th scope="col" className="ui-num">
            Amount
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {payouts.map((payout) => (
          <tr key={payout.id}>
            <td className="ui-nowrap ui-cell--meta" style={{ order: 4 }}>
              <time dateTime={payout.created_at}>{format.dateTime(payout.created_at)}</time>
            </td>
            <td style={{ order: 1 }}>
              Account ending {payout.bank_last4}
              <span className="ui-hint">
                {" "}
                {payout.method === "scheduled" ? "· daily payout" : "· on demand"}
              </span>
            </td>
            <td className="ui-num ui-nowrap ui-cell--end" style={{ order: 2 }}>
              {format.money(payout.amount, payout.currency)}
            </td>
            <td className="ui-cell--end" style={{ order: 3 }}>
              <Badge tone={PAYOUT_TONES[payout.status]}>{PAYOUT_LABELS[payout.status]}</Badge>
              {payout.failure_code ? (
                <span className="ui-hint"> {payout.failure_code.replaceAll("_", " ")}</span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
