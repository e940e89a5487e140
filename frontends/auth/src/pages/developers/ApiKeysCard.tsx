import type { Schema } from "@payments/api-client";
import {
  Alert,
  Badge,
  Button,
  Card,
  ConfirmButton,
  ErrorNotice,
  Spinner,
  Stack,
  Table,
  TextField,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

type Scope = Schema<"ApiKey">["scopes"][number];

/** Every scope with what it allows (a Record: a scope added to the contract must be described here). */
const SCOPES: Record<Scope, string> = {
  "payments:read": "Read payments and reports",
  "payments:write": "Create and cancel payments",
  "refunds:write": "Refund payments",
  "balance:read": "Read the balance",
  "webhooks:read": "Read webhook endpoints and deliveries",
  "webhooks:write": "Manage webhook endpoints and replays",
};

export const API_KEYS_QUERY = ["developers", "api-keys"] as const;

/** Create, list and revoke API keys; a new key's secret is shown once. */
export function ApiKeysCard() {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const keys = useQuery({ queryKey: API_KEYS_QUERY, queryFn: () => api.developers.apiKeys() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: API_KEYS_QUERY });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["payments:read"]);
  const create = useMutation({
    mutationFn: () => api.developers.createApiKey({ name, scopes }),
    onSuccess: () => setName(""),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.developers.revokeApiKey(id),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (scope: Scope, on: boolean) =>
    setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));
  return (
    <Card title="API keys">
      {/* Space between the form, its answer and the list (the card itself only pads). */}
      <Stack>
        <form onSubmit={submit} className="ui-stack" aria-label="New API key">
          <TextField
            label="Key name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
          />
          <fieldset
            style={{ border: "none", padding: 0, margin: 0, display: "grid", gap: "var(--ui-space-2)" }}
          >
            <legend>Scopes</legend>
            {(Object.keys(SCOPES) as Scope[]).map((scope) => (
              <label
                key={scope}
                className="ui-cluster"
                style={{ gap: "var(--ui-space-2)", flexWrap: "nowrap", alignItems: "baseline" }}
              >
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) => toggle(scope, e.target.checked)}
                />
                {/* One flex item: on a phone the words wrap under the scope, not away from it. */}
                <span>
                  <code>{scope}</code> — {SCOPES[scope]}
                </span>
              </label>
            ))}
          </fieldset>
          <div>
            <Button type="submit" busy={create.isPending} disabled={scopes.length === 0}>
              Create key
            </Button>
          </div>
        </form>
        <ErrorNotice error={create.error ?? revoke.error ?? undefined} />
        {create.data ? (
          <Alert tone="success" title="Copy your secret key now: it is not shown again">
            <code data-testid="new-api-key-secret" style={{ overflowWrap: "anywhere" }}>
              {create.data.secret}
            </code>
          </Alert>
        ) : null}
        {keys.isPending ? <Spinner label="Loading API keys" /> : null}
        {keys.error ? <ErrorNotice error={keys.error} onRetry={() => void keys.refetch()} /> : null}
        {keys.data ? (
          <Table
            caption={keys.data.data.length === 1 ? "1 API key" : `${keys.data.data.length} API keys`}
            stack
          >
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="ui-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <tr key={key.id}>
                  <td>
                    {key.name} {key.revoked_at ? <Badge tone="neutral">Revoked</Badge> : null}
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Key </span>
                    <code>
                      {key.prefix}…{key.last4}
                    </code>
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Scopes </span>
                    {key.scopes.join(", ")}
                  </td>
                  <td className="ui-cell--meta">
                    <span className="ui-table__label">Last used </span>
                    {key.last_used_at ? format.dateTime(key.last_used_at) : "Never"}
                  </td>
                  <td>
                    {key.revoked_at ? null : (
                      <ConfirmButton
                        size="sm"
                        busy={revoke.isPending && revoke.variables === key.id}
                        title={`Revoke ${key.name}?`}
                        description="Calls with this key are refused within a second."
                        confirmLabel="Revoke key"
                        onConfirm={() => revoke.mutate(key.id)}
                      >
                        Revoke
                      </ConfirmButton>
                    )}
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
