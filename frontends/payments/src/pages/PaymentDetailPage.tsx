import { type Payment, queryKeys } from "@payments/api-client";
import {
  Alert,
  Card,
  ConfirmButton,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  useFormatters,
  usePlatform,
  useRealtimeRoom,
  useSession,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useLocation, useParams } from "react-router";
import { PaymentHistory } from "../components/PaymentHistory.tsx";
import { RefundForm } from "../components/RefundForm.tsx";
import { STATUS_LABELS, StatusBadge } from "../components/StatusBadge.tsx";
import { useIdempotencyKey } from "../components/useIdempotencyKey.ts";

function Summary({ payment }: { payment: Payment }) {
  const format = useFormatters();
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
      <dd className="ui-mono">{payment.payer_id}</dd>
      <dt>To</dt>
      <dd className="ui-mono">{payment.payee_id}</dd>
      <dt>Created</dt>
      <dd>{format.dateTime(payment.created_at)}</dd>
      {payment.description ? (
        <>
          <dt>Description</dt>
          <dd>{payment.description}</dd>
        </>
      ) : null}
      <dt>Reference</dt>
      <dd className="ui-mono">{payment.id}</dd>
    </dl>
  );
}

/** One payment with its history; its status changes live (the page joins the `payment:<id>` room). */
export function PaymentDetailPage({ basePath }: { basePath: string }) {
  const { id = "" } = useParams();
  const { api, queryClient } = usePlatform();
  const session = useSession();
  const location = useLocation();
  useRealtimeRoom(id ? `payment:${id}` : undefined);
  const payment = useQuery({ queryKey: queryKeys.payments.detail(id), queryFn: () => api.payments.get(id) });
  const history = useQuery({
    queryKey: queryKeys.payments.history(id),
    queryFn: () => api.payments.history(id),
  });
  const cancelKey = useIdempotencyKey();
  const cancel = useMutation({
    mutationFn: () => api.payments.cancel(id, cancelKey.keyFor({ cancel: id })),
    onSuccess: (updated) => queryClient.setQueryData(queryKeys.payments.detail(id), updated),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.payments.history(id) }),
  });

  const user = session.status === "signed_in" ? session.user : undefined;
  const p = payment.data;
  const isAdmin = user?.role === "admin";
  const canCancel = p?.status === "pending" && (p.payer_id === user?.id || isAdmin);
  const canRefund =
    (p?.status === "succeeded" || p?.status === "partially_refunded") && (p.payee_id === user?.id || isAdmin);
  const created =
    typeof location.state === "object" && location.state !== null && "created" in location.state;

  return (
    <Stack gap={4}>
      <PageHeader
        title="Payment"
        description={<Link to={basePath || "/"}>Back to all payments</Link>}
        actions={
          canCancel ? (
            <ConfirmButton
              busy={cancel.isPending}
              title="Cancel this payment?"
              description="It has not been processed yet; no money will move."
              confirmLabel="Cancel payment"
              onConfirm={() => cancel.mutate()}
            >
              Cancel payment
            </ConfirmButton>
          ) : null
        }
      />
      {created ? (
        <Alert tone="success" title="Payment created">
          It will be processed in a moment.
        </Alert>
      ) : null}
      <ErrorNotice error={cancel.error ?? undefined} />
      {/* Announces live status changes to screen readers without moving focus. */}
      <p aria-live="polite" className="ui-visually-hidden">
        {p ? `Status: ${STATUS_LABELS[p.status]}` : ""}
      </p>
      {payment.isPending ? <Spinner label="Loading payment" /> : null}
      {payment.error ? <ErrorNotice error={payment.error} onRetry={() => void payment.refetch()} /> : null}
      {p ? (
        <Card title="Details">
          <Summary payment={p} />
          {p.failure_message ? (
            <Alert tone="danger" title="The payment failed">
              <p>{p.failure_message}</p>
            </Alert>
          ) : null}
        </Card>
      ) : null}
      {p && canRefund ? <RefundForm payment={p} /> : null}
      <Card title="History">
        {history.isPending ? <Spinner label="Loading history" /> : null}
        {history.error ? <ErrorNotice error={history.error} onRetry={() => void history.refetch()} /> : null}
        {history.data ? <PaymentHistory entries={history.data} currency={p?.currency} /> : null}
      </Card>
    </Stack>
  );
}
