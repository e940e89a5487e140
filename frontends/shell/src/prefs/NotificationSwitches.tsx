import { queryKeys } from "@payments/api-client";
import { Alert, Button, Card, ErrorNotice, Spinner, Stack, usePlatform } from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

type Switch = "payment_updates" | "refund_updates" | "product_news";

const SWITCHES: ReadonlyArray<[Switch, string]> = [
  ["payment_updates", "Payments: money received, a payment of mine succeeded or failed"],
  ["refund_updates", "Refunds: issued or received"],
  ["product_news", "News about the platform"],
];

/**
 * Which notifications the user gets, in the centre and by mail (docs/adr/0028). Security notices (new
 * sign-ins, password, two-factor and e-mail changes) cannot be switched off: shown checked and disabled.
 */
export function NotificationSwitches() {
  const { api, queryClient } = usePlatform();
  const stored = useQuery({
    queryKey: queryKeys.profile.notificationSwitches,
    queryFn: () => api.profile.notificationSwitches(),
  });
  const [edits, setEdits] = useState<Partial<Record<Switch, boolean>>>({});
  const save = useMutation({
    mutationFn: () => api.profile.updateNotificationSwitches(edits),
    onSuccess: (switches) => {
      queryClient.setQueryData(queryKeys.profile.notificationSwitches, switches);
      setEdits({});
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Notifications">
      {stored.isPending ? <Spinner label="Loading notification settings" /> : null}
      {stored.error ? <ErrorNotice error={stored.error} onRetry={() => void stored.refetch()} /> : null}
      {stored.data ? (
        <form onSubmit={submit} aria-label="Notifications">
          <Stack gap={3}>
            <ErrorNotice error={save.error ?? undefined} />
            {save.isSuccess && Object.keys(edits).length === 0 ? (
              <Alert tone="success" title="Notification settings saved" />
            ) : null}
            <p>What you are told about, in the notification centre and by e-mail.</p>
            {SWITCHES.map(([name, label]) => (
              <label key={name} className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
                <input
                  type="checkbox"
                  name={name}
                  checked={edits[name] ?? stored.data[name]}
                  onChange={(e) => {
                    setEdits({ ...edits, [name]: e.target.checked });
                    save.reset();
                  }}
                />
                {label}
              </label>
            ))}
            <label className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
              <input
                type="checkbox"
                name="security_alerts"
                checked
                disabled
                aria-describedby="security-note"
              />
              Security: new sign-ins, password, two-factor and e-mail changes
            </label>
            <p id="security-note" className="ui-cell--meta">
              Security notices always come, so that you hear of anything done in your name.
            </p>
            <div>
              <Button type="submit" busy={save.isPending} disabled={Object.keys(edits).length === 0}>
                Save notification settings
              </Button>
            </div>
          </Stack>
        </form>
      ) : null}
    </Card>
  );
}
