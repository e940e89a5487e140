import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  Stack,
  TextField,
  useFormSchemas,
  usePlatform,
  useZodForm,
} from "@payments/ui";
import { useCallback, useState } from "react";

/** Change my password; the server ends every other session. */
export function ChangePasswordPage() {
  const { changePasswordFormSchema, PASSWORD_MIN } = useFormSchemas();
  const { api } = usePlatform();
  const [done, setDone] = useState(false);
  const submit = useCallback(
    async (body: { current_password: string; new_password: string }) => {
      setDone(false);
      await api.auth.changePassword(body);
      setDone(true);
    },
    [api],
  );
  const form = useZodForm(changePasswordFormSchema, submit);
  return (
    <div style={{ maxWidth: "30rem" }}>
      <PageHeader title="Change password" />
      <Card>
        <form
          onSubmit={async (event) => {
            const target = event.currentTarget;
            // Passwords must not linger in the fields once they have been changed.
            if (await form.onSubmit(event)) target.reset();
          }}
          noValidate
          aria-label="Change password"
        >
          <Stack gap={4}>
            {done ? (
              <Alert tone="success" title="Password changed">
                Your other sessions were signed out.
              </Alert>
            ) : null}
            <ErrorNotice error={form.failure} />
            <TextField
              label="Current password"
              name="current_password"
              type="password"
              autoComplete="current-password"
              error={form.errors.current_password}
            />
            <TextField
              label="New password"
              name="new_password"
              type="password"
              autoComplete="new-password"
              hint={`At least ${PASSWORD_MIN} characters.`}
              error={form.errors.new_password}
            />
            <TextField
              label="Repeat the new password"
              name="confirm_password"
              type="password"
              autoComplete="new-password"
              error={form.errors.confirm_password}
            />
            <Button type="submit" busy={form.submitting}>
              Change password
            </Button>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
