import { Alert, Card, PageHeader, Stack, usePlatform, useSession } from "@payments/ui";
import { useCallback } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { linkToken, NewPasswordForm } from "./NewPasswordForm.tsx";

/** Opened from an invitation mail (`/account/invitation?token=…`): set a password and be signed in. */
export function AcceptInvitationPage({ basePath }: { basePath: string }) {
  const { api, session: store } = usePlatform();
  const session = useSession();
  const token = linkToken(useLocation().search);
  const submit = useCallback(
    async ({ password }: { password: string }) => {
      if (!token) return;
      store.signIn(await api.auth.acceptInvitation({ token, password }));
    },
    [api, store, token],
  );
  if (session.status === "signed_in") return <Navigate to="/" replace />;
  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title="Welcome: set your password" />
      <Card>
        {token ? (
          <Stack gap={4}>
            <p>You were invited to the payments platform. Choose the password you will sign in with.</p>
            <NewPasswordForm label="Set your password" action="Set password and sign in" onSubmit={submit} />
          </Stack>
        ) : (
          <Alert tone="warning" title="This link is incomplete.">
            Open the link from the invitation mail again. If it has expired,{" "}
            <Link to={`${basePath}/forgot`}>reset your password</Link> with the invited address.
          </Alert>
        )}
      </Card>
    </div>
  );
}
