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
} from "@payments/ui";
import { useCallback, useState } from "react";
import { Link } from "react-router";

/**
 * "Forgot password?": asks for the address and then says to check the mail. The answer is the same whether
 * or not the address has an account (docs/adr/0017), so the page says so too.
 */
export function ForgotPasswordPage({ basePath }: { basePath: string }) {
  const { api } = usePlatform();
  const [sentTo, setSentTo] = useState<string | undefined>();
  const submit = useCallback(
    async (body: { email: string }) => {
      await api.auth.forgotPassword(body);
      setSentTo(body.email);
    },
    [api],
  );
  // Reached from the sign-in page, which fetched no schemas either: they come with the first touched field.
  const form = useLazyZodForm("forgotPasswordFormSchema", submit);
  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title={sentTo ? "Check your mail" : "Forgot your password?"} />
      <Card>
        {sentTo ? (
          <Stack gap={4}>
            <Alert
              tone="success"
              title={`If ${sentTo} has an account, a link to choose a new password is on its way.`}
            />
            <p>The link works once, for 30 minutes. No mail after a few minutes? Look in the spam folder.</p>
            <p>
              <Link to={`${basePath}/login`}>Back to sign in</Link>
            </p>
          </Stack>
        ) : (
          <form onSubmit={form.onSubmit} onFocus={form.prefetch} noValidate aria-label="Reset your password">
            <Stack gap={4}>
              <p>
                Enter the e-mail address of your account and we will send you a link to choose a new password.
              </p>
              <ErrorNotice error={form.failure} />
              <TextField
                label="Email"
                name="email"
                type="email"
                autoComplete="email"
                required
                error={form.errors.email}
              />
              <Button type="submit" busy={form.submitting}>
                Send the link
              </Button>
              <p>
                <Link to={`${basePath}/login`}>Back to sign in</Link>
              </p>
            </Stack>
          </form>
        )}
      </Card>
    </div>
  );
}
