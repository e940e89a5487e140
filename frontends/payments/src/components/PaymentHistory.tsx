import type { HistoryEntry } from "@payments/api-client";
import { EmptyState, useFormatters } from "@payments/ui";
import { STATUS_LABELS } from "./StatusBadge.tsx";

/** Why a payment failed, in a few words after "Failed:" (the detail page shows the full sentence). */
const FAILURE_REASONS: Record<string, string> = {
  payment_declined: "declined by the payment processor",
  card_declined: "declined by the payment processor",
  processor_unavailable: "the payment processor could not be reached",
};

/** Why a payment was canceled. */
const CANCEL_REASONS: Record<string, string> = {
  requested_by_customer: "at the payer's request",
  duplicate: "as a duplicate",
  fraudulent: "as fraudulent",
  abandoned: "as abandoned",
  user_deactivated: "because an account involved was closed",
};

/**
 * One line per step a person cares about, with the same words as the status badge: Created · Sent to the
 * payment processor · Succeeded / Failed: why · Canceled why · Refunded €5.00. The status changes a refund
 * causes are the refund's own line; processor retries show only when the processor did not answer.
 */
function describe(entry: HistoryEntry, money: (amount: number) => string | undefined): string | undefined {
  switch (entry.kind) {
    case "transition": {
      switch (entry.to) {
        case "pending":
          return "Created";
        case "processing":
          return "Sent to the payment processor";
        case "failed": {
          const why = entry.reason ? FAILURE_REASONS[entry.reason] : undefined;
          return why ? `${STATUS_LABELS.failed}: ${why}` : STATUS_LABELS.failed;
        }
        case "canceled": {
          const why = entry.reason ? CANCEL_REASONS[entry.reason] : undefined;
          return why ? `${STATUS_LABELS.canceled} ${why}` : STATUS_LABELS.canceled;
        }
        case "partially_refunded":
        case "refunded":
          return undefined;
        default:
          return STATUS_LABELS[entry.to];
      }
    }
    case "attempt":
      return entry.outcome === "timeout" || entry.outcome === "error"
        ? "The payment processor did not answer in time"
        : undefined;
    case "refund": {
      const amount = money(entry.amount) ?? "";
      const line =
        entry.status === "succeeded"
          ? `Refunded ${amount}`
          : entry.status === "failed"
            ? `Refund of ${amount} failed`
            : `Refund of ${amount} requested`;
      return `${line}${entry.reason ? ` — ${entry.reason}` : ""}`;
    }
  }
}

/** A payment's history as a timeline, oldest first. */
export function PaymentHistory({
  entries,
  currency,
}: {
  entries: HistoryEntry[];
  currency: string | undefined;
}) {
  const format = useFormatters();
  const money = (amount: number) => (currency ? format.money(amount, currency) : undefined);
  const lines = entries.flatMap((entry) => {
    const text = describe(entry, money);
    return text ? [{ entry, text }] : [];
  });
  if (lines.length === 0) return <EmptyState>No history yet.</EmptyState>;
  return (
    <ol className="ui-timeline">
      {lines.map(({ entry, text }) => (
        <li key={`${entry.kind}:${entry.id}`}>
          <time dateTime={entry.created_at} className="ui-hint">
            {format.dateTime(entry.created_at)}
          </time>
          <div>{text}</div>
        </li>
      ))}
    </ol>
  );
}
