import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorNotice,
  Spinner,
  Table,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";

export const DELIVERIES_QUERY = ["developers", "webhook-deliveries"] as const;

const TONE = { succeeded: "success", failed: "danger", pending: "warning" } as const;

/** The delivery log: every delivery with its last attempt, refreshed every few seconds; replay one. */
export function DeliveriesCard() {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const deliveries = useQuery({
    queryKey: DELIVERIES_QUERY,
    queryFn: () => api.developers.deliveries({ limit: 50 }),
    // Deliveries happen in the background: the log follows them while the page is open.
    refetchInterval: 3_000,
  });
  const replay = useMutation({
    mutationFn: (id: string) => api.developers.replay(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: DELIVERIES_QUERY }),
  });
  return (
    <Card title="Webhook deliveries">
      <ErrorNotice error={replay.error ?? undefined} />
      {deliveries.isPending ? <Spinner label="Loading deliveries" /> : null}
      {deliveries.error ? (
        <ErrorNotice error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : null}
      {deliveries.data && deliveries.data.data.length === 0 ? (
        <EmptyState>No deliveries yet. Add an endpoint and send it a test event.</EmptyState>
      ) : null}
      {deliveries.data && deliveries.data.data.length > 0 ? (
        <Table caption="Latest deliveries" stack>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="ui-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.data.map((d) => {
              const last = d.attempts[0];
              return (
                <tr key={d.id} data-testid="webhook-delivery">
                  <td>
                    <code>{d.event_type}</code>
                  </td>
                  <td>
                    <span className="ui-table__label">Status </span>
                    <Badge tone={TONE[d.status]}>{d.status}</Badge>
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Attempts </span>
                    {d.attempt_count}
                  </td>
                  <td className="ui-cell--meta" style={{ overflowWrap: "anywhere" }}>
                    <span className="ui-table__label">Last answer </span>
                    {last ? `${last.status_code ?? last.error ?? "no answer"} in ${last.latency_ms} ms` : "—"}
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Created </span>
                    {format.dateTime(d.created_at)}
                  </td>
                  <td>
                    {d.status === "pending" ? null : (
                      <Button
                        size="sm"
                        variant="secondary"
                        busy={replay.isPending && replay.variables === d.id}
                        onClick={() => replay.mutate(d.id)}
                      >
                        Replay
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : null}
    </Card>
  );
}
