import type { SignOutReason } from "@payments/api-client";
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
  useSession,
  useZodForm,
} from "@payments/ui";
import { useCallback } from "react";
import { Link, Navigate, useLocation } from "react-router";

const REASONS: Record<SignOutReason, { tone: "info" | "warning"; text: string }> = {
  logout: { tone: "info", text: "You have signed out." },
  expired: { tone: "warning", text: "Your session has ended. Please sign in again." },
  other_tab: { tone: "info", text: "You signed out in another tab or window." },
};

function returnPath(state: unknown): string {
  if (typeof state === "object" && state !== null && "from" in state && typeof state.from === "string") {
    // Only same-app paths: never an absolute URL handed in from outside.
    if (state.from.startsWith("/") && !state.from.startsWith("//")) return state.from;
  }
  return "/";
}

/** Sign in with email and password. */
export function LoginPage({ basePath }: { basePath: string }) {
  const { loginFormSchema } = useFormSchemas();
  const { api, session: store } = usePlatform();
  const session = useSession();
  const location = useLocation();
  const submit = useCallback(
    async (body: { email: string; password: string }) => store.signIn(await api.auth.login(body)),
    [api, store],
  );
  const form = useZodForm(loginFormSchema, submit);
  if (session.status === "signed_in") return <Navigate to={returnPath(location.state)} replace />;
  const reason = session.status === "signed_out" && session.reason ? REASONS[session.reason] : undefined;
  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title="Sign in" />
      <Card>
        <form onSubmit={form.onSubmit} noValidate aria-label="Sign in">
          <Stack gap={4}>
            {reason && !form.failure ? <Alert tone={reason.tone} title={reason.text} /> : null}
            <ErrorNotice error={form.failure} />
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              error={form.errors.email}
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              error={form.errors.password}
            />
            <Button type="submit" busy={form.submitting}>
              Sign in
            </Button>
            <p>
              New here? <Link to={`${basePath}/register`}>Create an account</Link>
            </p>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
