import { type AuditFilters, queryKeys } from "@payments/api-client";
import {
  Button,
  Card,
  Cluster,
  EmptyState,
  ErrorNotice,
  PageHeader,
  Spinner,
  Table,
  TextField,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

/** Saves a Blob as a file (the CSV comes through fetch because the bearer token lives in memory). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function isoFromLocal(value: FormDataEntryValue | null): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function text(value: FormDataEntryValue | null): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/** Every event the platform emitted, searchable, exportable as CSV with the same filters. */
export function AuditLogPage({
  download = downloadBlob,
}: {
  download?: (blob: Blob, filename: string) => void;
}) {
  const { api } = usePlatform();
  const format = useFormatters();
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useInfiniteQuery({
    queryKey: queryKeys.admin.auditList({ ...filters }),
    queryFn: ({ pageParam }) => api.admin.auditLogs(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
  });
  const exportCsv = useMutation({
    mutationFn: async () =>
      download(await api.admin.auditCsv(filters), `audit-log-${new Date().toISOString().slice(0, 10)}.csv`),
  });
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setFilters({
      type: text(data.get("type")),
      subject: text(data.get("subject")),
      actor_id: text(data.get("actor")),
      from: isoFromLocal(data.get("from")),
      to: isoFromLocal(data.get("to")),
    });
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every event, who caused it and when."
        actions={
          <Button variant="secondary" busy={exportCsv.isPending} onClick={() => exportCsv.mutate()}>
            Export CSV
          </Button>
        }
      />
      <ErrorNotice error={exportCsv.error ?? undefined} />
      <Card>
        <form onSubmit={apply} aria-label="Filter the audit log">
          <Cluster gap={4}>
            <TextField label="Event type" name="type" placeholder="payment." hint="Prefix, e.g. payment." />
            <TextField label="Subject" name="subject" placeholder="pay_…" />
            <TextField label="Actor" name="actor" placeholder="usr_…" />
            <TextField label="From" name="from" type="datetime-local" />
            <TextField label="To" name="to" type="datetime-local" />
            <Button type="submit" variant="secondary">
              Apply filters
            </Button>
          </Cluster>
        </form>
        {log.isPending ? <Spinner label="Loading the audit log" /> : null}
        {log.error ? <ErrorNotice error={log.error} onRetry={() => void log.refetch()} /> : null}
        {log.isSuccess && rows.length === 0 ? <EmptyState>No entries match these filters.</EmptyState> : null}
        {rows.length > 0 ? (
          <Table caption={`Audit entries (${rows.length}${log.hasNextPage ? "+" : ""})`} stack>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">When</th>
                <th scope="col">Subject</th>
                <th scope="col">Actor</th>
                <th scope="col">Trace</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <strong>{row.type}</strong>
                  </td>
                  <td className="ui-cell--end ui-nowrap">{format.dateTime(row.occurred_at)}</td>
                  <td className="ui-mono ui-cell--meta">
                    <span className="ui-table__label">Subject </span>
                    {row.subject ?? "—"}
                  </td>
                  <td className="ui-mono ui-cell--meta">
                    <span className="ui-table__label">By </span>
                    {row.actor_id ?? "platform"}
                  </td>
                  <td className="ui-mono ui-cell--meta">
                    <span className="ui-table__label">Trace </span>
                    {row.trace_id ? row.trace_id.slice(0, 8) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : null}
        {log.hasNextPage ? (
          <Button variant="secondary" busy={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Load more
          </Button>
        ) : null}
      </Card>
    </>
  );
}
