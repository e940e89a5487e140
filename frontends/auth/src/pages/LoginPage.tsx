import { needsSecondFactor, type SignOutReason } from "@payments/api-client";
import {
  Alert,
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  Stack,
  TextField,
  useLazyZodForm,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useCallback, useState } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { SecondFactorForm } from "./SecondFactorForm.tsx";

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

/**
 * Sign in with email and password; an account with two-factor sign-in then asks for its code (or a
 * recovery code) before the session starts (docs/adr/0018).
 */
export function LoginPage({ basePath }: { basePath: string }) {
  const { api, session: store } = usePlatform();
  const session = useSession();
  const location = useLocation();
  const [challenge, setChallenge] = useState<string>();
  const [expired, setExpired] = useState(false);
  const submit = useCallback(
    async (body: { email: string; password: string }) => {
      const result = await api.auth.login(body);
      setExpired(false);
      if (needsSecondFactor(result)) setChallenge(result.challenge);
      else store.signIn(result);
    },
    [api, store],
  );
  const expire = useCallback(() => {
    setChallenge(undefined);
    setExpired(true);
  }, []);
  // The page people land on: it shows at once, and the schemas (zod) come when a field is first touched.
  const form = useLazyZodForm("loginFormSchema", submit);
  if (session.status === "signed_in") return <Navigate to={returnPath(location.state)} replace />;
  if (challenge) {
    return (
      <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
        <PageHeader title="Two-factor sign-in" description="Your password was right; one more step." />
        <Card>
          <SecondFactorForm challenge={challenge} onExpired={expire} />
        </Card>
      </div>
    );
  }
  const reason = session.status === "signed_out" && session.reason ? REASONS[session.reason] : undefined;
  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title="Sign in" />
      <Card>
        <form onSubmit={form.onSubmit} onFocus={form.prefetch} noValidate aria-label="Sign in">
          <Stack gap={4}>
            {reason && !form.failure && !expired ? <Alert tone={reason.tone} title={reason.text} /> : null}
            {expired ? (
              <Alert tone="warning" title="That sign-in expired. Enter your password again." />
            ) : null}
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
              <Link to={`${basePath}/forgot`}>Forgot password?</Link>
            </p>
            <p>
              New here? <Link to={`${basePath}/register`}>Create an account</Link>
            </p>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
