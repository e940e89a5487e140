import { Alert, Card, PageHeader, Stack, usePlatform } from "@payments/ui";
import { useCallback, useState } from "react";
import { Link, useLocation } from "react-router";
import { linkToken, NewPasswordForm } from "./NewPasswordForm.tsx";

/**
 * Opened from the reset mail (`/account/reset?token=…`): choose a new password. Every session of the account
 * ends on the server, so this tab (if signed in) and every other device are signed out.
 */
export function ResetPasswordPage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const token = linkToken(useLocation().search);
  const [done, setDone] = useState(false);
  const submit = useCallback(
    async ({ password }: { password: string }) => {
      if (!token) return;
      await api.auth.resetPassword({ token, password });
      setDone(true);
    },
    [api, token],
  );
  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title="Choose a new password" />
      <Card>
        {done ? (
          <Stack gap={4}>
            <Alert tone="success" title="Your password is changed.">
              Every device that was signed in has been signed out.
            </Alert>
            <p>
              <Link to={`${basePath}/login`}>Sign in with the new password</Link>
            </p>
          </Stack>
        ) : token ? (
          <NewPasswordForm label="Choose a new password" action="Set the new password" onSubmit={submit} />
        ) : (
          <Alert tone="warning" title="This link is incomplete.">
            Open the link from the mail again, or <Link to={`${basePath}/forgot`}>ask for a new one</Link>.
          </Alert>
        )}
      </Card>
    </div>
  );
}
