import { ApiError, queryKeys, type SystemConfig } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  Cluster,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfigForm } from "../components/ConfigForm.tsx";
import { describeChanges, type Settings, settingsProblems } from "../components/config-settings.ts";

/** What saving answered, or that it would be refused: success, a version conflict, another error. */
function SaveNotices({
  savedVersion,
  conflict,
  newer,
  startedFrom,
  error,
  onDiscard,
  onRebase,
}: {
  savedVersion: number | undefined;
  conflict: boolean;
  /** The current version when it is newer than the one the edits started from. */
  newer: number | undefined;
  startedFrom: number | undefined;
  error: unknown;
  onDiscard(): void;
  onRebase(): void;
}) {
  if (savedVersion !== undefined) {
    return (
      <Alert tone="success" title={`Configuration saved as version ${savedVersion}`}>
        <p>Payments and every open page follow it now.</p>
      </Alert>
    );
  }
  if (!conflict && newer === undefined) return <ErrorNotice error={error} />;
  return (
    <Alert
      tone={conflict ? "danger" : "warning"}
      title={
        conflict
          ? "Not saved: someone else changed the configuration while you were editing"
          : "Someone else changed the configuration while you were editing"
      }
      actions={
        <>
          <Button size="sm" variant="secondary" onClick={onDiscard}>
            Discard my changes
          </Button>
          <Button size="sm" variant="secondary" disabled={newer === undefined} onClick={onRebase}>
            Review my changes against version {newer ?? "…"}
          </Button>
        </>
      }
    >
      <p>
        Your changes started from version {startedFrom}; version {newer ?? "a newer one"} is current now, and
        saving over it would undo what it changed.
      </p>
    </Alert>
  );
}

/** Edits in progress and the version they started from (sent as `expected_version`). */
interface Draft {
  base: SystemConfig;
  settings: Settings;
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

/**
 * The system configuration as a form. Saving sends the version the edits started from; the admin service
 * refuses a save over a newer version (409), which is shown with the choice to start again from the newer
 * version or to save these edits over it after seeing what that changes.
 */
export function ConfigPage() {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const config = useQuery({ queryKey: queryKeys.admin.config, queryFn: () => api.admin.config() });
  const [draft, setDraft] = useState<Draft>();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (input: { settings: Settings; version: number }) =>
      api.admin.updateConfig(input.settings, input.version),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.admin.config, saved);
      setDraft(undefined);
    },
    // The newer version is what the conflict notice offers to compare with.
    onError: (error) => (isConflict(error) ? void config.refetch() : undefined),
  });
  const current = config.data;
  const base = draft?.base ?? current;
  const settings = draft?.settings ?? current?.settings;
  const changes = draft ? describeChanges(draft.base.settings, draft.settings) : [];
  const newer = draft !== undefined && current !== undefined && current.version !== draft.base.version;
  const conflict = isConflict(save.error);

  function edit(next: Settings) {
    if (!base) return;
    setDraft({ base, settings: next });
    setProblems({});
    if (!save.isIdle) save.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const found = settingsProblems(draft.settings);
    setProblems(found);
    if (Object.keys(found).length === 0)
      save.mutate({ settings: draft.settings, version: draft.base.version });
  }

  function rebase() {
    // Keeps these edits, now measured against the newer version: the change list shows what saving would
    // overwrite of the other person's work before anyone saves again.
    if (draft && current) setDraft({ base: current, settings: draft.settings });
    save.reset();
  }

  function discard() {
    setDraft(undefined);
    setProblems({});
    save.reset();
  }

  return (
    <Stack gap={4}>
      <PageHeader title="Configuration" description="Changes apply to every service without a restart." />
      {config.isPending ? <Spinner label="Loading the configuration" /> : null}
      {config.error ? <ErrorNotice error={config.error} onRetry={() => void config.refetch()} /> : null}
      {base && settings ? (
        <form onSubmit={submit} noValidate aria-label="Configuration">
          <Stack gap={4}>
            <p className="ui-hint">
              Version {base.version}
              {base.version === 0 ? " (the built-in defaults)" : ""}
              {base.updated_at ? `, changed ${format.dateTime(base.updated_at)}` : ""}
              {base.updated_by ? ` by ${base.updated_by}` : ""}
            </p>
            <ConfigForm value={settings} onChange={edit} problems={problems} locale={format.locale} />
            <Card title="Changes to save">
              <Stack gap={3}>
                {changes.length > 0 ? (
                  <ul aria-label="Changes to save">
                    {changes.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                ) : (
                  <p className="ui-hint">No changes yet.</p>
                )}
                {/* Next to the button, where the person is looking when the answer comes. */}
                <SaveNotices
                  savedVersion={save.isSuccess ? current?.version : undefined}
                  conflict={conflict}
                  newer={newer ? current?.version : undefined}
                  startedFrom={draft?.base.version}
                  error={save.error ?? undefined}
                  onDiscard={discard}
                  onRebase={rebase}
                />
                <Cluster gap={2}>
                  <Button
                    type="submit"
                    busy={save.isPending}
                    disabled={changes.length === 0 || conflict || newer}
                  >
                    Save configuration
                  </Button>
                  <Button variant="secondary" disabled={!draft} onClick={discard}>
                    Discard changes
                  </Button>
                </Cluster>
              </Stack>
            </Card>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}
