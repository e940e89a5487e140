import { queryKeys } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  TextAreaField,
  useFormatters,
  usePlatform,
} from "@payments/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";

/** Parses the editor's text: a JSON object, or a message saying what is wrong. */
export function parseSettings(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `Not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: "The settings must be a JSON object ({ … })." };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * The system configuration as JSON. Saving sends the version it was based on; the admin service validates
 * the settings with its zod schema and refuses a save over a newer version (its message is shown as is).
 */
export function ConfigPage() {
  const { api, queryClient } = usePlatform();
  const format = useFormatters();
  const config = useQuery({ queryKey: queryKeys.admin.config, queryFn: () => api.admin.config() });
  const [draft, setDraft] = useState<{ base: number; text: string } | undefined>();
  const [problem, setProblem] = useState<string>();
  const save = useMutation({
    mutationFn: (input: { settings: Record<string, unknown>; version: number }) =>
      api.admin.updateConfig(input.settings, input.version),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.admin.config, saved);
      setDraft(undefined);
    },
  });
  const current = config.data;
  const text = draft?.text ?? (current ? JSON.stringify(current.settings, null, 2) : "");
  const stale = draft !== undefined && current !== undefined && current.version !== draft.base;

  function submit() {
    if (!current) return;
    const parsed = parseSettings(text);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(undefined);
    save.mutate({ settings: parsed.value, version: draft?.base ?? current.version });
  }

  return (
    <Stack gap={4}>
      <PageHeader title="Configuration" description="Changes apply to every service without a restart." />
      {config.isPending ? <Spinner label="Loading the configuration" /> : null}
      {config.error ? <ErrorNotice error={config.error} onRetry={() => void config.refetch()} /> : null}
      {current ? (
        <Card
          title={`Version ${current.version}`}
          actions={
            current.updated_at ? (
              <span className="ui-hint">
                Changed {format.dateTime(current.updated_at)}
                {current.updated_by ? ` by ${current.updated_by}` : ""}
              </span>
            ) : null
          }
        >
          <Stack gap={3}>
            {stale ? (
              <Alert tone="warning" title="Someone else changed the configuration">
                <p>Saving now would overwrite version {current.version}. Discard your edits to see it.</p>
              </Alert>
            ) : null}
            {save.isSuccess && !draft ? <Alert tone="success" title="Configuration saved" /> : null}
            <ErrorNotice error={save.error ?? undefined} />
            <TextAreaField
              label="Settings (JSON)"
              name="settings"
              rows={16}
              spellCheck={false}
              className="ui-mono"
              value={text}
              error={problem}
              onChange={(e) => setDraft({ base: draft?.base ?? current.version, text: e.target.value })}
            />
            <div className="ui-cluster" style={{ gap: "var(--ui-space-2)" }}>
              <Button busy={save.isPending} disabled={!draft} onClick={submit}>
                Save
              </Button>
              <Button variant="secondary" disabled={!draft} onClick={() => setDraft(undefined)}>
                Discard edits
              </Button>
            </div>
          </Stack>
        </Card>
      ) : null}
    </Stack>
  );
}
