import { ApiError, describeError } from "@payments/api-client";
import { Alert, Button, Card, PageHeader, Spinner, Stack, usePlatform, useSession } from "@payments/ui";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { linkToken } from "./NewPasswordForm.tsx";

type Outcome = { state: "working" } | { state: "verified" } | { state: "failed"; message: string };

/**
 * Opened from the verification mail (`/account/verify?token=…`): confirms the address at once. Works
 * signed out too (the link may be opened on another device); when this tab is signed in, the session is
 * renewed so the "confirm your address" banner goes away.
 */
export function VerifyEmailPage() {
  const { api, session: store } = usePlatform();
  const session = useSession();
  const token = linkToken(useLocation().search);
  const [outcome, setOutcome] = useState<Outcome>({ state: "working" });
  const sent = useRef(false);

  useEffect(() => {
    // One request per link: the token works once, and React may run an effect twice in development.
    if (sent.current) return;
    sent.current = true;
    if (!token) {
      setOutcome({ state: "failed", message: "This link is incomplete: open the link from the mail again." });
      return;
    }
    api.auth
      .verifyEmail({ token })
      .then(async () => {
        setOutcome({ state: "verified" });
        if (store.getState().status === "signed_in") await store.refresh();
      })
      .catch((error: unknown) =>
        setOutcome({
          state: "failed",
          message:
            error instanceof ApiError && error.code === "invalid_token"
              ? "This link is invalid, used or expired."
              : describeError(error).detail,
        }),
      );
  }, [api, store, token]);

  return (
    <div style={{ maxWidth: "28rem", margin: "0 auto" }}>
      <PageHeader title="Confirm your e-mail address" />
      <Card>
        {outcome.state === "working" ? (
          <Spinner label="Confirming your address" />
        ) : outcome.state === "verified" ? (
          <Stack gap={4}>
            <Alert tone="success" title="Your e-mail address is confirmed.">
              You can now pay and be paid.
            </Alert>
            <p>
              <Link to="/">Continue</Link>
            </p>
          </Stack>
        ) : (
          <Stack gap={4}>
            <Alert tone="warning" title={outcome.message} />
            {session.status === "signed_in" ? <ResendButton /> : <p>Sign in to ask for a new link.</p>}
          </Stack>
        )}
      </Card>
    </div>
  );
}

/** Sends the verification mail again. */
export function ResendButton() {
  const { api } = usePlatform();
  const [state, setState] = useState<"idle" | "sending" | "sent" | string>("idle");
  if (state === "sent") return <p role="status">A new link is on its way.</p>;
  return (
    <Stack gap={2}>
      <div>
        <Button
          busy={state === "sending"}
          onClick={() => {
            setState("sending");
            api.auth.resendVerification().then(
              () => setState("sent"),
              (error: unknown) => setState(describeError(error).detail),
            );
          }}
        >
          Send a new link
        </Button>
      </div>
      {state !== "idle" && state !== "sending" ? <p role="alert">{state}</p> : null}
    </Stack>
  );
}
