import { createTestPlatform, type RecordedCall, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../App.tsx";

afterEach(cleanup);

const calls = (all: RecordedCall[], method: string, path: string) =>
  all.filter((c) => c.method === method && c.path === path);
interface Status {
  enabled: boolean;
  enabled_at: string | null;
  recovery_codes_remaining: number;
}
const OFF: Status = { enabled: false, enabled_at: null, recovery_codes_remaining: 0 };
const ON: Status = { enabled: true, enabled_at: "2026-03-01T10:00:00.000Z", recovery_codes_remaining: 8 };
const CODES = ["aaaa-bbbb-cccc", "dddd-eeee-ffff"];
const wrongCode = () =>
  [
    400,
    {
      error: {
        type: "invalid_request",
        code: "invalid_totp_code",
        message: "That code is not valid.",
        request_id: "req_1",
      },
    },
  ] as [number, unknown];

function renderSecurity(routes: NonNullable<Parameters<typeof createTestPlatform>[0]>["routes"]) {
  const test = createTestPlatform({ grant: testGrant(), routes });
  renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
    platform: test.platform,
    path: "/account/security",
    mount: "/account/*",
  });
  return test;
}

describe("two-factor settings", () => {
  it("turns it on: setup key grouped for typing, the first code confirms, the recovery codes are shown once", async () => {
    let status = OFF;
    const test = renderSecurity({
      "GET /api/auth/2fa": () => [200, status],
      "POST /api/auth/2fa/setup": () => [
        200,
        {
          secret: "JBSWY3DPEHPK3PXPJBSW",
          otpauth_uri: "otpauth://totp/Payments:ada@example.com?secret=JBSWY3DPEHPK3PXPJBSW",
          qr_code: "data:image/svg+xml;base64,PHN2Zy8+",
        },
      ],
      "POST /api/auth/2fa/enable": (call) => {
        if ((call.body as { code?: string }).code !== "123456") return wrongCode();
        status = ON;
        return [200, { recovery_codes: CODES }];
      },
    });
    expect(await screen.findByText("Off")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Set up two-factor sign-in" }));
    expect(await screen.findByRole("img", { name: "QR code for your authenticator app" })).toBeTruthy();
    expect(screen.getByText("JBSW Y3DP EHPK 3PXP JBSW")).toBeTruthy();

    // A code of the wrong shape is refused before anything is sent; a wrong code, by the server.
    const form = screen.getByRole("form", { name: "Confirm two-factor sign-in" });
    await userEvent.type(within(form).getByLabelText("2. Enter the code the app shows"), "12");
    await userEvent.click(within(form).getByRole("button", { name: "Turn on two-factor sign-in" }));
    expect(await screen.findByText("Enter the six-digit code your authenticator app shows.")).toBeTruthy();
    expect(calls(test.calls, "POST", "/api/auth/2fa/enable")).toHaveLength(0);
    const input = within(form).getByLabelText("2. Enter the code the app shows");
    await userEvent.clear(input);
    await userEvent.type(input, "654321");
    await userEvent.click(within(form).getByRole("button", { name: "Turn on two-factor sign-in" }));
    expect(await screen.findByText("That code is not valid.")).toBeTruthy();

    await userEvent.clear(input);
    await userEvent.type(input, "123 456");
    await userEvent.click(within(form).getByRole("button", { name: "Turn on two-factor sign-in" }));
    const list = await screen.findByRole("list", { name: "Recovery codes" });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(CODES);
    expect(await screen.findByText(/8 recovery codes left/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "I have saved these codes" }));
    expect(screen.queryByRole("list", { name: "Recovery codes" })).toBeNull();
  });

  it("makes new recovery codes and turns it off, each with a current code", async () => {
    let status = ON;
    const test = renderSecurity({
      "GET /api/auth/2fa": () => [200, status],
      "POST /api/auth/2fa/recovery-codes": () => [200, { recovery_codes: ["gggg-hhhh-jjjj"] }],
      "POST /api/auth/2fa/disable": () => {
        status = OFF;
        return [204];
      },
    });
    const regenerate = await screen.findByRole("form", { name: "New recovery codes" });
    await userEvent.type(within(regenerate).getByLabelText("Current code"), "111111");
    await userEvent.click(within(regenerate).getByRole("button", { name: "Make new recovery codes" }));
    const list = await screen.findByRole("list", { name: "Recovery codes" });
    expect(list.textContent).toContain("gggg-hhhh-jjjj");
    expect(calls(test.calls, "POST", "/api/auth/2fa/recovery-codes")[0]?.body).toEqual({ code: "111111" });

    const off = screen.getByRole("form", { name: "Turn off two-factor sign-in" });
    await userEvent.type(within(off).getByLabelText("Current code"), "222222");
    await userEvent.click(within(off).getByRole("button", { name: "Turn off two-factor sign-in" }));
    expect(await screen.findByText("Off")).toBeTruthy();
    expect(calls(test.calls, "POST", "/api/auth/2fa/disable")[0]?.body).toEqual({ code: "222222" });
  });

  it("says so when the setup cannot start, and shows no QR code", async () => {
    const unavailable = () =>
      [
        503,
        { error: { type: "unavailable", code: "unavailable", message: "Try later.", request_id: "req_2" } },
      ] as [number, unknown];
    renderSecurity({ "GET /api/auth/2fa": () => [200, OFF], "POST /api/auth/2fa/setup": unavailable });
    await userEvent.click(await screen.findByRole("button", { name: "Set up two-factor sign-in" }));
    await waitFor(() => expect(screen.getAllByRole("alert").length).toBeGreaterThan(0));
    expect(screen.queryByRole("img", { name: "QR code for your authenticator app" })).toBeNull();
  });
});

describe("links from mails", () => {
  it("confirms the address from the verification link, once", async () => {
    const test = createTestPlatform({ routes: { "POST /api/auth/email/verify": () => [204] } });
    test.platform.session.expire();
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: `/account/verify?token=${"t".repeat(43)}`,
      mount: "/account/*",
    });
    expect(await screen.findByText("Your e-mail address is confirmed.")).toBeTruthy();
    expect(calls(test.calls, "POST", "/api/auth/email/verify")).toHaveLength(1);
  });

  it("explains a used link, and a signed-in user can ask for a new one", async () => {
    const test = createTestPlatform({
      grant: testGrant(),
      routes: {
        "POST /api/auth/email/verify": () => [
          400,
          {
            error: {
              type: "invalid_request",
              code: "invalid_token",
              message: "Invalid token.",
              request_id: "req_3",
            },
          },
        ],
        "POST /api/auth/email/resend": () => [202],
      },
    });
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: `/account/verify?token=${"u".repeat(43)}`,
      mount: "/account/*",
    });
    expect(await screen.findByText("This link is invalid, used or expired.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Send a new link" }));
    expect(await screen.findByText("A new link is on its way.")).toBeTruthy();
  });

  it("says a verification or invitation link without its token is incomplete", async () => {
    const test = createTestPlatform();
    test.platform.session.expire();
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/verify",
      mount: "/account/*",
    });
    expect(await screen.findByText(/This link is incomplete/)).toBeTruthy();
    expect(screen.getByText("Sign in to ask for a new link.")).toBeTruthy();
    cleanup();
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/invitation",
      mount: "/account/*",
    });
    expect(await screen.findByText("This link is incomplete.")).toBeTruthy();
    expect(test.calls).toHaveLength(0);
  });

  it("sets the invited user's password and signs them in", async () => {
    const test = createTestPlatform({
      routes: {
        "POST /api/auth/invitations/accept": (call) => [
          200,
          {
            user: {
              id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w7",
              email: "new@example.com",
              name: "New",
              role: "vendor",
              active: true,
              created_at: "2026-01-01T00:00:00.000Z",
              email_verified: true,
            },
            access_token: `tok-${(call.body as { token: string }).token.slice(0, 3)}`,
            expires_in: 600,
          },
        ],
      },
    });
    test.platform.session.expire();
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: `/account/invitation?token=${"i".repeat(43)}`,
      mount: "/account/*",
    });
    const form = await screen.findByRole("form", { name: "Set your password" });
    for (const field of within(form).getAllByLabelText(/password/i))
      await userEvent.type(field, "a long and new passphrase");
    await userEvent.click(within(form).getByRole("button", { name: "Set password and sign in" }));
    await waitFor(() => expect(test.platform.session.accessToken()).toBe("tok-iii"));
  });
});
