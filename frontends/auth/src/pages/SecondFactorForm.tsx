import { ApiError } from "@payments/api-client";
import { Button, ErrorNotice, Stack, TextField, useFormSchemas, usePlatform, useZodForm } from "@payments/ui";
import { useCallback, useState } from "react";

/** Props of {@link SecondFactorForm}. */
export interface SecondFactorFormProps {
  /** The challenge of the login's 202 answer. */
  challenge: string;
  /** The challenge can no longer be answered (expired, used, out of tries): back to the password. */
  onExpired(): void;
}

/**
 * The login's second step (docs/adr/0018): the code the authenticator app shows, or — when the phone is
 * lost — one of the recovery codes. A right answer signs in; a spent challenge goes back to the password.
 */
export function SecondFactorForm({ challenge, onExpired }: SecondFactorFormProps) {
  const { totpCodeFormSchema, recoveryCodeFormSchema } = useFormSchemas();
  const { api, session } = usePlatform();
  const [useRecovery, setUseRecovery] = useState(false);

  const finish = useCallback(
    async (factor: { code: string } | { recovery_code: string }) => {
      try {
        session.signIn(await api.auth.completeLogin({ challenge, ...factor }));
      } catch (error) {
        if (error instanceof ApiError && error.code === "invalid_mfa_challenge") onExpired();
        throw error;
      }
    },
    [api, session, challenge, onExpired],
  );
  const codeForm = useZodForm(totpCodeFormSchema, finish);
  const recoveryForm = useZodForm(recoveryCodeFormSchema, finish);
  const form = useRecovery ? recoveryForm : codeForm;

  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Two-factor code">
      <Stack gap={4}>
        <ErrorNotice error={form.failure} />
        {useRecovery ? (
          <TextField
            key="recovery"
            label="Recovery code"
            name="recovery_code"
            autoComplete="off"
            spellCheck={false}
            hint="One of the codes you saved when you turned on two-factor sign-in. Each works once."
            required
            error={form.errors.recovery_code}
          />
        ) : (
          <TextField
            key="code"
            label="Authentication code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            hint="The six-digit code your authenticator app shows for this account."
            required
            error={form.errors.code}
          />
        )}
        <Button type="submit" busy={form.submitting}>
          Verify and sign in
        </Button>
        <Button variant="ghost" onClick={() => setUseRecovery(!useRecovery)}>
          {useRecovery ? "Use the authenticator app instead" : "Use a recovery code instead"}
        </Button>
      </Stack>
    </form>
  );
}
