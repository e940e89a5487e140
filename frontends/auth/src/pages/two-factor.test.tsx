import { createTestPlatform, type RecordedCall, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../App.tsx";

afterEach(cleanup);

const apiCalls = (calls: RecordedCall[], path: string) => calls.filter((c) => c.path === path);
const CHALLENGE = "c".repeat(43);

function renderLogin(routes: NonNullable<Parameters<typeof createTestPlatform>[0]>["routes"]) {
  const test = createTestPlatform({
    routes: {
      "POST /api/auth/login": () => [202, { mfa_required: true, challenge: CHALLENGE, expires_in: 300 }],
      ...routes,
    },
  });
  test.platform.session.expire();
  renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
    platform: test.platform,
    path: "/account/login",
    mount: "/account/*",
  });
  return test;
}

async function passPassword() {
  await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
  await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("the login's second step", () => {
  it("asks for the app's code after the password, and signs in with it", async () => {
    const test = renderLogin({ "POST /api/auth/login/2fa": () => [200, testGrant("customer", "tok-2fa")] });
    await passPassword();
    expect(await screen.findByRole("heading", { name: "Two-factor sign-in" })).toBeTruthy();
    expect(test.platform.session.getState().status).toBe("signed_out");
    await userEvent.type(screen.getByLabelText("Authentication code"), "123 456");
    await userEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    await waitFor(() => expect(test.platform.session.accessToken()).toBe("tok-2fa"));
    expect(apiCalls(test.calls, "/api/auth/login/2fa")[0]).toMatchObject({
      body: { challenge: CHALLENGE, code: "123456" },
    });
  });

  it("takes a recovery code instead, and checks a code's shape before sending", async () => {
    const test = renderLogin({ "POST /api/auth/login/2fa": () => [200, testGrant("vendor", "tok-rc")] });
    await passPassword();
    await userEvent.type(await screen.findByLabelText("Authentication code"), "12");
    await userEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByText("Enter the six-digit code your authenticator app shows.")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/login/2fa")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Use a recovery code instead" }));
    await userEvent.type(screen.getByLabelText("Recovery code"), "abcd-efgh-jkmn");
    await userEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    await waitFor(() => expect(test.platform.session.accessToken()).toBe("tok-rc"));
    expect(apiCalls(test.calls, "/api/auth/login/2fa")[0]).toMatchObject({
      body: { challenge: CHALLENGE, recovery_code: "abcd-efgh-jkmn" },
    });
  });

  it("goes back to the password when the challenge has expired", async () => {
    renderLogin({
      "POST /api/auth/login/2fa": () => [
        401,
        {
          error: {
            type: "authentication",
            code: "invalid_mfa_challenge",
            message: "This sign-in has expired or was already used; sign in again.",
            request_id: "req_1",
          },
        },
      ],
    });
    await passPassword();
    await userEvent.type(await screen.findByLabelText("Authentication code"), "123456");
    await userEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByText("That sign-in expired. Enter your password again.")).toBeTruthy();
    expect(screen.getByRole("form", { name: "Sign in" })).toBeTruthy();
  });
});
