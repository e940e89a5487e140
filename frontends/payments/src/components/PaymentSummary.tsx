import type { Payment } from "@payments/api-client";
import { useFormatters } from "@payments/ui";
import { Link } from "react-router";
import { CopyButton } from "./CopyButton.tsx";
import { payeeName, payerName, type Side } from "./parties.ts";
import { StatusBadge } from "./StatusBadge.tsx";

function Party({ name, you }: { name: string; you: boolean }) {
  return (
    <>
      {name}
      {you ? <span className="ui-hint"> (you)</span> : null}
    </>
  );
}

/**
 * A payment's facts as a person reads them: amount, status, who paid whom by name, when, what for. The id is
 * only the copyable reference (what support asks for), never how a person is shown.
 */
export function PaymentSummary({
  payment,
  side,
  basePath,
}: {
  payment: Payment;
  side: Side;
  basePath: string;
}) {
  const format = useFormatters();
  const other = side === "payer" ? payment.payee_id : side === "payee" ? payment.payer_id : undefined;
  const otherName = side === "payer" ? payeeName(payment) : payerName(payment);
  return (
    <dl className="ui-dl">
      <dt>Amount</dt>
      <dd>{format.money(payment.amount, payment.currency)}</dd>
      {payment.amount_refunded > 0 ? (
        <>
          <dt>Refunded</dt>
          <dd>{format.money(payment.amount_refunded, payment.currency)}</dd>
        </>
      ) : null}
      <dt>Status</dt>
      <dd>
        <StatusBadge status={payment.status} />
      </dd>
      <dt>From</dt>
      <dd>
        <Party name={payerName(payment)} you={side === "payer"} />
      </dd>
      <dt>To</dt>
      <dd>
        <Party name={payeeName(payment)} you={side === "payee"} />
      </dd>
      <dt>Created</dt>
      <dd>{format.dateTime(payment.created_at)}</dd>
      {payment.description ? (
        <>
          <dt>Description</dt>
          <dd>{payment.description}</dd>
        </>
      ) : null}
      <dt>Reference</dt>
      <dd>
        <span className="ui-inline-action">
          <span className="ui-mono">{payment.id}</span>
          <CopyButton text={payment.id} label="Copy the payment reference" />
        </span>
      </dd>
      {other ? (
        <>
          <dt>See also</dt>
          <dd>
            <Link to={`${basePath}?counterparty=${other}`}>All payments with {otherName}</Link>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
