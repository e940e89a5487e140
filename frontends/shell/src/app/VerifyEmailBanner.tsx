import { describeError } from "@payments/api-client";
import { Alert, Button, usePlatform, useSession } from "@payments/ui";
import { useState } from "react";
import { useLocation } from "react-router";

/**
 * Tells a signed-in user whose e-mail address is not confirmed why paying and being paid are refused
 * (docs/adr/0017), with a button that mails the link again. Hidden on the page the link opens.
 */
export function VerifyEmailBanner() {
  const session = useSession();
  const { api } = usePlatform();
  const { pathname } = useLocation();
  const [state, setState] = useState<{ sending: boolean; note?: string }>({ sending: false });
  if (session.status !== "signed_in" || session.user.email_verified) return null;
  if (pathname.startsWith("/account/verify")) return null;
  const resend = () => {
    setState({ sending: true });
    api.auth.resendVerification().then(
      () => setState({ sending: false, note: `A new link is on its way to ${session.user.email}.` }),
      (error: unknown) => setState({ sending: false, note: describeError(error).detail }),
    );
  };
  return (
    <div style={{ marginBottom: "var(--ui-space-4)" }}>
      <Alert
        tone="warning"
        title="Confirm your e-mail address"
        actions={
          <Button variant="secondary" size="sm" busy={state.sending} onClick={resend}>
            Send the link again
          </Button>
        }
      >
        {state.note ??
          `We sent a link to ${session.user.email}. Until you follow it you can look around, but not pay or be paid.`}
      </Alert>
    </div>
  );
}
