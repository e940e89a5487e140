import type { Schema } from "@payments/api-client";
import {
  Alert,
  Badge,
  Button,
  Card,
  Cluster,
  ConfirmButton,
  ErrorNotice,
  Spinner,
  Stack,
  Table,
  TextField,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { DELIVERIES_QUERY } from "./DeliveriesCard.tsx";

type EventName = Schema<"WebhookEndpoint">["events"][number];

/** The events an endpoint can subscribe to (a Record: a new one in the contract must be named here). */
const EVENTS: Record<EventName, string> = {
  "payment.created": "Payment created",
  "payment.processing": "Payment processing",
  "payment.succeeded": "Payment succeeded",
  "payment.failed": "Payment failed",
  "payment.canceled": "Payment canceled",
  "refund.succeeded": "Refund succeeded",
  "refund.failed": "Refund failed",
};

export const ENDPOINTS_QUERY = ["developers", "webhook-endpoints"] as const;

/** Add, list, test, rotate, disable and delete webhook endpoints. */
export function EndpointsCard() {
  const { api, queryClient } = usePlatform();
  const endpoints = useQuery({ queryKey: ENDPOINTS_QUERY, queryFn: () => api.developers.endpoints() });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ENDPOINTS_QUERY });
    void queryClient.invalidateQueries({ queryKey: DELIVERIES_QUERY });
  };
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventName[]>(["payment.succeeded"]);
  const [secret, setSecret] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: () => api.developers.createEndpoint({ url, events, description }),
    onSuccess: (created) => {
      setSecret(created.secret);
      setUrl("");
      setDescription("");
    },
    onSettled: refresh,
  });
  const action = useMutation({
    mutationFn: async ({
      id,
      kind,
    }: {
      id: string;
      kind: "test" | "rotate" | "enable" | "disable" | "delete";
    }) => {
      if (kind === "test") return void (await api.developers.sendTest(id));
      if (kind === "rotate") return setSecret((await api.developers.rotateSecret(id)).secret);
      if (kind === "delete") return void (await api.developers.deleteEndpoint(id));
      await api.developers.updateEndpoint(id, { enabled: kind === "enable" });
    },
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const busy = (id: string) => action.isPending && action.variables?.id === id;
  return (
    <Card title="Webhook endpoints">
      {/* Space between the form, its answer and the list (the card itself only pads). */}
      <Stack>
        <form onSubmit={submit} className="ui-stack" aria-label="New webhook endpoint">
          <TextField
            label="Endpoint URL"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
            placeholder="https://example.com/webhooks"
          />
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={200}
          />
          <fieldset
            style={{ border: "none", padding: 0, margin: 0, display: "grid", gap: "var(--ui-space-2)" }}
          >
            <legend>Events</legend>
            {(Object.keys(EVENTS) as EventName[]).map((event) => (
              <label key={event} className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
                <input
                  type="checkbox"
                  checked={events.includes(event)}
                  onChange={(e) =>
                    setEvents((s) => (e.target.checked ? [...s, event] : s.filter((x) => x !== event)))
                  }
                />{" "}
                {EVENTS[event]}
              </label>
            ))}
          </fieldset>
          <div>
            <Button type="submit" busy={create.isPending} disabled={events.length === 0}>
              Add endpoint
            </Button>
          </div>
        </form>
        <ErrorNotice error={create.error ?? action.error ?? undefined} />
        {secret ? (
          <Alert tone="success" title="Signing secret: copy it now, it is not shown again">
            <code data-testid="new-webhook-secret" style={{ overflowWrap: "anywhere" }}>
              {secret}
            </code>
          </Alert>
        ) : null}
        {endpoints.isPending ? <Spinner label="Loading endpoints" /> : null}
        {endpoints.error ? (
          <ErrorNotice error={endpoints.error} onRetry={() => void endpoints.refetch()} />
        ) : null}
        {endpoints.data ? (
          <Table
            caption={
              endpoints.data.data.length === 1 ? "1 endpoint" : `${endpoints.data.data.length} endpoints`
            }
            stack
          >
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="ui-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.data.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td style={{ overflowWrap: "anywhere" }}>
                    {endpoint.url}
                    {endpoint.description ? (
                      <div className="ui-cell--meta">{endpoint.description}</div>
                    ) : null}
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Events </span>
                    {endpoint.events.join(", ")}
                  </td>
                  <td>
                    <span className="ui-table__label">Status </span>
                    {endpoint.status === "enabled" ? (
                      <Badge tone="success">Enabled</Badge>
                    ) : (
                      <Badge tone="warning">
                        {endpoint.disabled_reason === "failing" ? "Disabled: failing" : "Disabled"}
                      </Badge>
                    )}
                  </td>
                  <td>
                    <Cluster>
                      <Button
                        size="sm"
                        variant="secondary"
                        busy={busy(endpoint.id)}
                        onClick={() => action.mutate({ id: endpoint.id, kind: "test" })}
                      >
                        Send test event
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() =>
                          action.mutate({
                            id: endpoint.id,
                            kind: endpoint.status === "enabled" ? "disable" : "enable",
                          })
                        }
                      >
                        {endpoint.status === "enabled" ? "Disable" : "Enable"}
                      </Button>
                      <ConfirmButton
                        size="sm"
                        variant="secondary"
                        title="Rotate the signing secret?"
                        description="The old secret keeps working for 24 hours; deliveries carry both signatures meanwhile."
                        confirmLabel="Rotate secret"
                        onConfirm={() => action.mutate({ id: endpoint.id, kind: "rotate" })}
                      >
                        Rotate secret
                      </ConfirmButton>
                      <ConfirmButton
                        size="sm"
                        title="Delete this endpoint?"
                        description="Its delivery log goes with it."
                        confirmLabel="Delete endpoint"
                        onConfirm={() => action.mutate({ id: endpoint.id, kind: "delete" })}
                      >
                        Delete
                      </ConfirmButton>
                    </Cluster>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : null}
      </Stack>
    </Card>
  );
}
