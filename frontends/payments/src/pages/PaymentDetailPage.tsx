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
import { useDeferredValue } from "react";
import { Link, useLocation, useParams } from "react-router";
import { PaymentHistory } from "../components/PaymentHistory.tsx";
import { PaymentSummary } from "../components/PaymentSummary.tsx";
import { payeeName, payerName, type Side, sideOf } from "../components/parties.ts";
import { RefundForm } from "../components/RefundForm.tsx";
import { STATUS_LABELS } from "../components/StatusBadge.tsx";
import { useIdempotencyKey } from "../components/useIdempotencyKey.ts";

/**
 * What the page says about where the payment stands, beside its status — never a message the status
 * contradicts: "Payment created, processed in a moment" only while that is true.
 */
function StatusNotice({ payment, justCreated }: { payment: Payment; justCreated: boolean }) {
  switch (payment.status) {
    case "pending":
    case "processing":
      return justCreated ? (
        <Alert tone="success" title="Payment created">
          It will be processed in a moment; this page follows it live.
        </Alert>
      ) : null;
    case "succeeded":
      return justCreated ? (
        <Alert tone="success" title="Payment created">
          {payeeName(payment)} has been paid.
        </Alert>
      ) : null;
    case "failed":
      return (
        <Alert tone="danger" title="This payment failed">
          <p>{payment.failure_message ?? "The payment could not be completed. No money was taken."}</p>
        </Alert>
      );
    case "canceled":
      return (
        <Alert tone="info" title="This payment was canceled">
          <p>No money moved.</p>
        </Alert>
      );
    default:
      return null;
  }
}

function title(p: Payment, side: Side, amount: string): string {
  if (side === "payer") return `${amount} to ${payeeName(p)}`;
  if (side === "payee") return `${amount} from ${payerName(p)}`;
  return `${amount} from ${payerName(p)} to ${payeeName(p)}`;
}

/** One payment with its history; its status changes live (the page joins the `payment:<id>` room). */
export function PaymentDetailPage({ basePath }: { basePath: string }) {
  const { id = "" } = useParams();
  const { api, queryClient } = usePlatform();
  const session = useSession();
  const format = useFormatters();
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
  // A query's answer arrives through useSyncExternalStore, which renders in one task; deferred, the
  // details and the history render at transition priority, in short slices (Total Blocking Time, ADR 0036).
  const p = useDeferredValue(payment.data);
  const entries = useDeferredValue(history.data);
  const side = p ? sideOf(p, user?.id) : "observer";
  const isAdmin = user?.role === "admin";
  const canCancel = p?.status === "pending" && (side === "payer" || isAdmin);
  const canRefund =
    (p?.status === "succeeded" || p?.status === "partially_refunded") && (side === "payee" || isAdmin);
  const justCreated =
    typeof location.state === "object" && location.state !== null && "created" in location.state;

  return (
    <Stack gap={4}>
      <PageHeader
        title={p ? title(p, side, format.money(p.amount, p.currency)) : "Payment"}
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
      {p ? <StatusNotice payment={p} justCreated={justCreated} /> : null}
      <ErrorNotice error={cancel.error ?? undefined} />
      {/* Announces live status changes to screen readers without moving focus. */}
      <p aria-live="polite" className="ui-visually-hidden">
        {p ? `Status: ${STATUS_LABELS[p.status]}` : ""}
      </p>
      {p === undefined && !payment.error ? <Spinner label="Loading payment" /> : null}
      {payment.error ? <ErrorNotice error={payment.error} onRetry={() => void payment.refetch()} /> : null}
      {p ? (
        <Card title="Details">
          <PaymentSummary payment={p} side={side} basePath={basePath} />
        </Card>
      ) : null}
      {p && canRefund ? <RefundForm payment={p} /> : null}
      {/* Shown with the details, never before them: the details arriving above would push it down (CLS). */}
      {p ? (
        <Card title="History">
          {entries === undefined && !history.error ? <Spinner label="Loading history" /> : null}
          {history.error ? (
            <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
          ) : null}
          {entries ? <PaymentHistory entries={entries} currency={p.currency} /> : null}
        </Card>
      ) : null}
    </Stack>
  );
}
