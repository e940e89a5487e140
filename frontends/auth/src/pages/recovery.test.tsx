import { createTestPlatform, type RecordedCall } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../App.tsx";

afterEach(cleanup);

const apiCalls = (calls: RecordedCall[], path: string) => calls.filter((c) => c.path === path);

function renderAuth(path: string, options: Parameters<typeof createTestPlatform>[0] = {}) {
  const test = createTestPlatform(options);
  test.platform.session.expire();
  renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
    platform: test.platform,
    path,
    mount: "/account/*",
  });
  return test;
}

describe("pages opened from mailed links (ADR 0017)", () => {
  it("forgot password sends the address and then says to check the mail", async () => {
    const test = renderAuth("/account/forgot", {
      routes: { "POST /api/auth/password/forgot": () => [202, undefined] },
    });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send the link" }));
    expect(await screen.findByRole("heading", { name: "Check your mail" })).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/password/forgot")[0]).toMatchObject({
      body: { email: "ada@example.com" },
    });
  });

  it("reset sends the link's token with the new password once both fields agree", async () => {
    const test = renderAuth("/account/reset?token=tok123", {
      routes: { "POST /api/auth/password/reset": () => [204, undefined] },
    });
    await userEvent.type(await screen.findByLabelText("New password"), "a long new passphrase");
    await userEvent.type(screen.getByLabelText("New password again"), "a different passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set the new password" }));
    expect(await screen.findByText("The two passwords differ.")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/password/reset")).toHaveLength(0);
    await userEvent.clear(screen.getByLabelText("New password again"));
    await userEvent.type(screen.getByLabelText("New password again"), "a long new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set the new password" }));
    expect(await screen.findByText("Your password is changed.")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/password/reset")[0]).toMatchObject({
      body: { token: "tok123", password: "a long new passphrase" },
    });
  });

  it("verify confirms the address once, and says so when the link is used", async () => {
    const test = renderAuth("/account/verify?token=tok456", {
      routes: {
        "POST /api/auth/email/verify": () => [
          400,
          {
            error: {
              type: "invalid_request",
              code: "invalid_token",
              message: "This link is invalid or has expired. Ask for a new one.",
              param: "token",
              request_id: "req_test",
            },
          },
        ],
      },
    });
    expect(await screen.findByText("This link is invalid, used or expired.")).toBeTruthy();
    await waitFor(() => expect(apiCalls(test.calls, "/api/auth/email/verify")).toHaveLength(1));
    expect(apiCalls(test.calls, "/api/auth/email/verify")[0]).toMatchObject({ body: { token: "tok456" } });
  });
});
