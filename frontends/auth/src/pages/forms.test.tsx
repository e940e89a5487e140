import { createTestPlatform, type RecordedCall, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../App.tsx";

afterEach(cleanup);

const apiCalls = (calls: RecordedCall[], path: string) => calls.filter((c) => c.path === path);

function renderAuth(
  path: string,
  options: Parameters<typeof createTestPlatform>[0] = {},
  before: (test: ReturnType<typeof createTestPlatform>) => void = () => {},
) {
  const test = createTestPlatform(options);
  before(test);
  renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
    platform: test.platform,
    path,
    mount: "/account/*",
  });
  return test;
}

describe("login form", () => {
  it("validates like the API before sending anything", async () => {
    const test = renderAuth("/account/login");
    test.platform.session.expire();
    await userEvent.type(await screen.findByLabelText("Email"), "not-an-email");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter a valid email address, like name@example.com.")).toBeTruthy();
    expect(screen.getByText("Enter your password.")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(apiCalls(test.calls, "/api/auth/login")).toHaveLength(0);
  });

  it("signs in with the API's answer", async () => {
    const test = renderAuth("/account/login", {
      routes: { "POST /api/auth/login": () => [200, testGrant("vendor", "tok-1")] },
    });
    test.platform.session.expire();
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(test.platform.session.accessToken()).toBe("tok-1"));
    expect(apiCalls(test.calls, "/api/auth/login")[0]).toMatchObject({
      body: { email: "ada@example.com", password: "correct horse battery" },
    });
  });

  it("shows the API's refusal in words, with the request id", async () => {
    const test = renderAuth("/account/login", {
      routes: {
        "POST /api/auth/login": () => [
          401,
          {
            error: {
              type: "authentication",
              code: "invalid_credentials",
              message: "Wrong email or password.",
              request_id: "req_42",
            },
          },
        ],
      },
    });
    test.platform.session.expire();
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Wrong email or password.")).toBeTruthy();
    expect(screen.getByText("req_42")).toBeTruthy();
    expect(test.platform.session.getState().status).toBe("signed_out");
  });

  it("says why the user is back at the login page", async () => {
    // The session was live and then refused to refresh (here or in another tab).
    renderAuth("/account/login", { grant: testGrant() }, (test) => test.platform.session.expire());
    expect(await screen.findByText("Your session has ended. Please sign in again.")).toBeTruthy();
  });
});

describe("register form", () => {
  it("mirrors the password policy and sends the API body", async () => {
    const test = renderAuth("/account/register", {
      routes: { "POST /api/auth/register": () => [201, testGrant("vendor")] },
    });
    test.platform.session.expire();
    await userEvent.type(await screen.findByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.selectOptions(screen.getByLabelText("I want to"), "vendor");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Use at least 8 characters.")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/register")).toHaveLength(0);

    await userEvent.type(screen.getByLabelText("Password"), " and longer");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(test.platform.session.getState().status).toBe("signed_in"));
    expect(apiCalls(test.calls, "/api/auth/register")[0]?.body).toEqual({
      email: "ada@example.com",
      password: "short and longer",
      name: "Ada",
      role: "vendor",
    });
  });

  it("puts a server-side field error on its field", async () => {
    const test = renderAuth("/account/register", {
      routes: {
        "POST /api/auth/register": () => [
          400,
          {
            error: {
              type: "invalid_request",
              code: "password_common",
              message: "This password is too common.",
              param: "password",
              request_id: "req_1",
            },
          },
        ],
      },
    });
    test.platform.session.expire();
    await userEvent.type(await screen.findByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "password1");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getAllByText("This password is too common.").length).toBeGreaterThan(0);
  });
});

describe("change password form", () => {
  it("requires matching new passwords and clears the fields after success", async () => {
    const test = renderAuth("/account/password", {
      grant: testGrant(),
      routes: { "POST /api/auth/password": () => [204] },
    });
    await userEvent.type(await screen.findByLabelText("Current password"), "old password");
    await userEvent.type(screen.getByLabelText("New password"), "new password 1");
    await userEvent.type(screen.getByLabelText("Repeat the new password"), "new password 2");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("The two new passwords differ.")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/password")).toHaveLength(0);

    await userEvent.clear(screen.getByLabelText("Repeat the new password"));
    await userEvent.type(screen.getByLabelText("Repeat the new password"), "new password 1");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("Password changed")).toBeTruthy();
    expect(apiCalls(test.calls, "/api/auth/password")[0]?.body).toEqual({
      current_password: "old password",
      new_password: "new password 1",
    });
    expect((screen.getByLabelText("New password") as HTMLInputElement).value).toBe("");
  });
});
