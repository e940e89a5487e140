import {
  createBrowserPlatform,
  needsSecondFactor,
  type Platform,
  type RemoteAppProps,
} from "@payments/api-client";
import { QueryClient } from "@tanstack/react-query";
import { type ComponentType, Suspense, useCallback, useEffect, useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Button } from "../components/Button.tsx";
import { Spinner } from "../components/Feedback.tsx";
import { TextField } from "../components/Field.tsx";
import { Card, PageHeader, Stack } from "../components/Layout.tsx";
import { RemoteRoot, useSession } from "./context.tsx";
import { ErrorNotice, useFormSchemas, useZodForm } from "./forms.tsx";

function SignIn({ platform, title }: { platform: Platform; title: string }) {
  const submit = useCallback(
    async (body: { email: string; password: string }) => {
      const result = await platform.api.auth.login(body);
      // The development sign-in has no second step; the shell's sign-in page has.
      if (needsSecondFactor(result))
        throw new Error("This account uses two-factor sign-in: sign in through the shell instead.");
      platform.session.signIn(result);
    },
    [platform],
  );
  const { loginFormSchema } = useFormSchemas();
  const form = useZodForm(loginFormSchema, submit);
  return (
    <main style={{ maxWidth: "28rem", margin: "2rem auto", padding: "0 1rem" }}>
      <PageHeader title={title} description="Standalone development mode: sign in against the real API." />
      <Card>
        <form onSubmit={form.onSubmit} noValidate>
          <Stack gap={3}>
            <ErrorNotice error={form.failure} />
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              error={form.errors.email}
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              error={form.errors.password}
            />
            <Button type="submit" busy={form.submitting}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Card>
    </main>
  );
}

function Gate({ App, platform, requireSession, title }: StandaloneAppProps & { platform: Platform }) {
  const session = useSession();
  if (session.status === "unknown") return <Spinner label="Checking your session" />;
  if (requireSession && session.status === "signed_out") {
    return (
      <Suspense fallback={<Spinner label="Loading" />}>
        <SignIn platform={platform} title={title} />
      </Suspense>
    );
  }
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/*" element={<App platform={platform} basePath="" />} />
      </Routes>
    </BrowserRouter>
  );
}

/** Props of {@link StandaloneApp}. */
export interface StandaloneAppProps {
  /** The remote's exposed component. */
  App: ComponentType<RemoteAppProps>;
  /** Show a sign-in form first when there is no session (every remote but auth). */
  requireSession: boolean;
  title: string;
}

/**
 * Runs a remote on its own dev server, outside the shell, with a real platform (no mocks): the session is
 * restored from the refresh cookie if there is one, otherwise a sign-in form calls the real API.
 */
export function StandaloneApp(props: StandaloneAppProps) {
  const [platform] = useState(() => createBrowserPlatform({ queryClient: new QueryClient() }));
  useEffect(() => {
    platform.session.refresh().catch(() => platform.session.expire());
  }, [platform]);
  return (
    <RemoteRoot platform={platform}>
      <Gate {...props} platform={platform} />
    </RemoteRoot>
  );
}
