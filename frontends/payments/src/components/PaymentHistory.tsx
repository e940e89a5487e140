import type { HistoryEntry } from "@payments/api-client";
import { EmptyState, useFormatters } from "@payments/ui";

function describe(entry: HistoryEntry, money: (amount: number) => string | undefined): string {
  const kind = entry.object ?? (entry.outcome ? "attempt" : entry.to_status ? "transition" : "event");
  if (kind === "attempt") {
    const outcome = entry.outcome ?? entry.status ?? "done";
    const latency = entry.latency_ms != null ? ` in ${entry.latency_ms} ms` : "";
    const code = entry.failure_code ? ` (${entry.failure_code})` : "";
    return `Processor attempt${entry.attempt != null ? ` ${entry.attempt}` : ""}: ${outcome}${code}${latency}`;
  }
  if (kind === "refund") {
    const amount = entry.amount != null ? money(entry.amount) : undefined;
    return `Refund${amount ? ` of ${amount}` : ""}: ${entry.status ?? "requested"}${entry.reason ? ` — ${entry.reason}` : ""}`;
  }
  const to = entry.to_status ?? entry.status ?? "updated";
  const from = entry.from_status ? `${entry.from_status} → ` : "";
  return `${from}${to}${entry.reason ? ` (${entry.reason})` : ""}`.replaceAll("_", " ");
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
  if (entries.length === 0) return <EmptyState>No history yet.</EmptyState>;
  const money = (amount: number) => (currency ? format.money(amount, currency) : undefined);
  return (
    <ol className="ui-timeline">
      {entries.map((entry) => (
        <li key={entry.id}>
          <time dateTime={entry.created_at}>{format.dateTime(entry.created_at)}</time>
          <div>{describe(entry, money)}</div>
        </li>
      ))}
    </ol>
  );
}
