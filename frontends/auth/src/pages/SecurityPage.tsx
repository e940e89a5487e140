import { queryKeys, type Schema } from "@payments/api-client";
import {
  Alert,
  Badge,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  Spinner,
  Stack,
  TextField,
  useFormatters,
  useFormSchemas,
  usePlatform,
  useZodForm,
} from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { useLocation } from "react-router";

type Setup = Schema<"TwoFactorSetup">;

/** The secret in groups of four, as apps show and people type it. */
function grouped(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/** Recovery codes, shown this once: the server keeps only their hashes. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  return (
    <Alert tone="warning" title="Save your recovery codes now">
      <Stack gap={3}>
        <p>
          Each code signs you in once if you lose your phone. They are shown only now: print them or keep them
          in a password manager.
        </p>
        <ul aria-label="Recovery codes" className="ui-mono">
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <Button onClick={onDone}>I have saved these codes</Button>
      </Stack>
    </Alert>
  );
}

/** Enrolment: scan the QR code (or type the key), then confirm with the first code. */
function Enrol({ setup, onEnabled }: { setup: Setup; onEnabled(codes: string[]): void }) {
  const { totpCodeFormSchema } = useFormSchemas();
  const { api } = usePlatform();
  const enable = useCallback(
    async ({ code }: { code: string }) => onEnabled((await api.auth.enableTwoFactor(code)).recovery_codes),
    [api, onEnabled],
  );
  const form = useZodForm(totpCodeFormSchema, enable);
  return (
    <Stack gap={4}>
      <p>
        1. Scan this code with an authenticator app (for example Aegis, Google Authenticator or 1Password).
      </p>
      <img src={setup.qr_code} alt="QR code for your authenticator app" width={200} height={200} />
      <p>
        Cannot scan? Enter this setup key instead:{" "}
        <code className="ui-mono" data-secret={setup.secret}>
          {grouped(setup.secret)}
        </code>
      </p>
      <form onSubmit={form.onSubmit} noValidate aria-label="Confirm two-factor sign-in">
        <Stack gap={3}>
          <ErrorNotice error={form.failure} />
          <TextField
            label="2. Enter the code the app shows"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            required
            error={form.errors.code}
          />
          <Button type="submit" busy={form.submitting}>
            Turn on two-factor sign-in
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

/** A form asking for a current code from the app; `act` runs with it (the shared shape of both below). */
function CurrentCodeForm(props: {
  label: string;
  submit: string;
  hint?: string;
  act(code: string): Promise<void>;
}) {
  const { totpCodeFormSchema } = useFormSchemas();
  const { act } = props;
  const onValid = useCallback(async ({ code }: { code: string }) => act(code), [act]);
  const form = useZodForm(totpCodeFormSchema, onValid);
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label={props.label}>
      <Stack gap={3}>
        <ErrorNotice error={form.failure} />
        <TextField
          label="Current code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          {...(props.hint ? { hint: props.hint } : {})}
          required
          error={form.errors.code}
        />
        <Button type="submit" variant="secondary" busy={form.submitting}>
          {props.submit}
        </Button>
      </Stack>
    </form>
  );
}

/** Turning it off needs a current code (or a recovery code when the phone is gone). */
function Disable({ onDisabled }: { onDisabled(): void }) {
  const { api } = usePlatform();
  const disable = useCallback(
    async (code: string) => {
      await api.auth.disableTwoFactor({ code });
      onDisabled();
    },
    [api, onDisabled],
  );
  return (
    <CurrentCodeForm
      label="Turn off two-factor sign-in"
      submit="Turn off two-factor sign-in"
      hint="Turning two-factor sign-in off needs a code from your app."
      act={disable}
    />
  );
}

/** New recovery codes (the old ones stop working), after a current code. */
function Regenerate({ onCodes }: { onCodes(codes: string[]): void }) {
  const { api } = usePlatform();
  const regenerate = useCallback(
    async (code: string) => onCodes((await api.auth.regenerateRecoveryCodes(code)).recovery_codes),
    [api, onCodes],
  );
  return <CurrentCodeForm label="New recovery codes" submit="Make new recovery codes" act={regenerate} />;
}

/**
 * Account security (docs/adr/0018): two-factor sign-in with an authenticator app — turn it on with a QR
 * code or the setup key, see the recovery codes once, make new ones, or turn it off with a current code.
 */
export function SecurityPage() {
  const { api, queryClient, session } = usePlatform();
  const format = useFormatters();
  const status = useQuery({ queryKey: queryKeys.twoFactor, queryFn: () => api.auth.twoFactor() });
  const [setup, setSetup] = useState<Setup>();
  const [starting, setStarting] = useState<unknown>();
  const [codes, setCodes] = useState<string[]>();

  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: queryKeys.twoFactor }),
    [queryClient],
  );
  const enabled = useCallback(
    (recovery: string[]) => {
      setSetup(undefined);
      setCodes(recovery);
      void refresh();
      // This session now counts as two-factor: a new access token says so (admin pages may require it).
      void session.refresh().catch(() => undefined);
    },
    [refresh, session],
  );
  const start = useCallback(async () => {
    setStarting(undefined);
    try {
      setSetup(await api.auth.setupTwoFactor());
    } catch (error) {
      setStarting(error);
    }
  }, [api]);

  const current = status.data;
  // The shell sends an admin here while the configuration requires two-factor sign-in for admins.
  const state: unknown = useLocation().state;
  const required =
    typeof state === "object" && state !== null && "reason" in state && state.reason === "admin_2fa_required";
  return (
    <div style={{ maxWidth: "36rem" }}>
      <Stack gap={4}>
        <PageHeader title="Security" description="Protect your account with a second step at sign-in." />
        {required && current?.enabled === false ? (
          <Alert tone="warning" title="Administrators must use two-factor sign-in">
            <p>Set it up below; the admin pages open once it is on.</p>
          </Alert>
        ) : null}
        {codes ? <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} /> : null}
        {status.isPending ? <Spinner label="Loading your security settings" /> : null}
        <ErrorNotice error={status.error ?? starting} />
        {current ? (
          <Card title="Two-factor sign-in">
            {current.enabled ? (
              <Stack gap={4}>
                <p>
                  <Badge tone="success">On</Badge>{" "}
                  {current.enabled_at ? `since ${format.dateTime(current.enabled_at)}. ` : ""}
                  {current.recovery_codes_remaining} recovery codes left.
                </p>
                <Regenerate onCodes={setCodes} />
                <Disable onDisabled={() => void refresh()} />
              </Stack>
            ) : setup ? (
              <Enrol setup={setup} onEnabled={enabled} />
            ) : (
              <Stack gap={3}>
                <p>
                  <Badge tone="neutral">Off</Badge> Signing in needs only your password.
                </p>
                <Button onClick={() => void start()}>Set up two-factor sign-in</Button>
              </Stack>
            )}
          </Card>
        ) : null}
      </Stack>
    </div>
  );
}
