/** @payments/ui's StandaloneApp (a remote on its own dev server), with the browser's fetch faked. */
import { loadForms, type RemoteAppProps } from "@payments/api-client";
import { StandaloneApp, useSession } from "@payments/ui";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

// In the browser the form schemas are a lazy chunk fetched with the first form; here they are loaded once,
// before React suspends on them.
beforeAll(() => loadForms());

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const USER = {
  id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6",
  email: "ada@example.com",
  name: "Ada",
  role: "vendor",
  active: true,
  created_at: "2026-01-01T00:00:00.000Z",
  email_verified: true,
};
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const refused = () =>
  json(401, { error: { type: "authentication", code: "invalid_refresh", message: "No.", request_id: "r" } });

function Remote({ basePath }: RemoteAppProps) {
  const session = useSession();
  return (
    <p>
      remote for {session.status === "signed_in" ? session.user.name : "nobody"} at "{basePath}"
    </p>
  );
}

/** The browser's fetch, answering like the API: the refresh cookie is refused, login works. */
function fakeApi(login: () => Response) {
  const seen: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const path = new URL(String(input), "http://dev.local").pathname;
    seen.push(`${init?.method ?? "GET"} ${path}`);
    if (path === "/api/auth/refresh") return refused();
    if (path === "/api/auth/login") return login();
    if (path === "/api/profile/me/preferences")
      return json(200, { theme: "system", locale: "en", default_currency: "usd" });
    return json(404, {
      error: { type: "not_found", code: "route_not_found", message: "No.", request_id: "r" },
    });
  });
  return seen;
}

describe("a remote on its own dev server", () => {
  it("without a session, signs in against the API first, then shows the remote", async () => {
    const seen = fakeApi(() => json(200, { user: USER, access_token: "tok", expires_in: 600 }));
    render(<StandaloneApp App={Remote} requireSession title="Payments (dev)" />);
    // The form schemas load with the first form (a lazy chunk): slow the first time on a busy machine.
    await new Promise((r) => setTimeout(r, 3000));
    screen.debug(undefined, 3000);
    expect(await screen.findByRole("heading", { name: "Payments (dev)" }, { timeout: 20_000 })).toBeTruthy();
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText('remote for Ada at ""')).toBeTruthy();
    expect(seen).toContain("POST /api/auth/login");
  });

  it("refuses an account with two-factor sign-in (that needs the shell's sign-in)", async () => {
    fakeApi(() => json(202, { mfa_required: true, challenge: "c".repeat(43), expires_in: 300 }));
    render(<StandaloneApp App={Remote} requireSession title="Admin (dev)" />);
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText(/sign in through the shell instead/)).toBeTruthy();
  });

  it("shows a remote that needs no session straight away", async () => {
    fakeApi(refused);
    render(<StandaloneApp App={Remote} requireSession={false} title="Auth (dev)" />);
    await waitFor(() => expect(screen.getByText('remote for nobody at ""')).toBeTruthy());
  });
});
