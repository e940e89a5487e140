import { ApiError } from "@payments/api-client";
import { Alert, Button, Card, ErrorNotice, Stack, TextField, usePlatform, useSession } from "@payments/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

/**
 * Moving the account to another e-mail address (docs/adr/0028): the current password, then a link mailed
 * to the new address confirms it. Until then the account keeps, and signs in with, its current address.
 */
export function EmailChange() {
  const session = useSession();
  const { api } = usePlatform();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const request = useMutation({
    mutationFn: () => api.auth.changeEmail({ new_email: email.trim(), current_password: password }),
    onSuccess: () => setPassword(""),
  });
  if (session.status !== "signed_in") return null;
  const refused = request.error instanceof ApiError ? request.error : undefined;
  const on = (param: string) => (refused?.param === param ? refused.message : undefined);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <Card title="E-mail address">
      <Stack>
        <p>
          You sign in and get mail at <strong>{session.user.email}</strong>. A new address takes effect once
          you open the link we mail to it.
        </p>
        {request.data ? (
          <Alert tone="success" title="Check your new mailbox">
            We sent a link to {request.data.pending_email}. Your current address was told too.
          </Alert>
        ) : null}
        {request.error && !on("new_email") && !on("current_password") ? (
          <ErrorNotice error={request.error} />
        ) : null}
        <form
          aria-label="Change e-mail address"
          onSubmit={submit}
          className="ui-stack"
          style={{ gap: "var(--ui-space-3)" }}
        >
          <TextField
            label="New e-mail address"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            value={email}
            error={on("new_email")}
            onChange={(event) => setEmail(event.target.value)}
          />
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            error={on("current_password")}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div>
            <Button type="submit" busy={request.isPending}>
              Send the link
            </Button>
          </div>
        </form>
      </Stack>
    </Card>
  );
}
