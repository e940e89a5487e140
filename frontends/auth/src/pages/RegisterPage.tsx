import { PASSWORD_MAX, PASSWORD_MIN } from "@payments/api-client";
import {
  Button,
  Card,
  ErrorNotice,
  PageHeader,
  SelectField,
  Stack,
  TextField,
  useLazyZodForm,
  usePlatform,
  useSession,
} from "@payments/ui";
import { useCallback } from "react";
import { Link, Navigate } from "react-router";

type RegisterBody = { email: string; password: string; name: string; role: "customer" | "vendor" };

/** Create an account (customer or vendor) and sign in. */
export function RegisterPage({ basePath }: { basePath: string }) {
  const { api, session: store } = usePlatform();
  const session = useSession();
  const submit = useCallback(
    async (body: RegisterBody) => store.signIn(await api.auth.register(body)),
    [api, store],
  );
  // A page people land on: it shows at once, and the schemas (zod) come when a field is first touched.
  const form = useLazyZodForm("registerFormSchema", submit);
  if (session.status === "signed_in") return <Navigate to="/" replace />;
  return (
    <div style={{ maxWidth: "30rem", margin: "0 auto" }}>
      <PageHeader title="Create an account" />
      <Card>
        <form onSubmit={form.onSubmit} onFocus={form.prefetch} noValidate aria-label="Create an account">
          <Stack gap={4}>
            <ErrorNotice error={form.failure} />
            <TextField label="Name" name="name" autoComplete="name" required error={form.errors.name} />
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="email"
              required
              error={form.errors.email}
            />
            <TextField
              label="Password"
              name="password"
              type="password"
              autoComplete="new-password"
              required
              hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A short sentence is easy to remember and hard to guess.`}
              error={form.errors.password}
            />
            <SelectField
              label="I want to"
              name="role"
              defaultValue="customer"
              error={form.errors.role}
              options={[
                { value: "customer", label: "Pay vendors (customer)" },
                { value: "vendor", label: "Get paid (vendor)" },
              ]}
            />
            <Button type="submit" busy={form.submitting}>
              Create account
            </Button>
            <p>
              Already have an account? <Link to={`${basePath}/login`}>Sign in</Link>
            </p>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
