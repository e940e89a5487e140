import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../App.tsx";
import { activeSessions, describeDevice } from "./SessionsPage.tsx";

afterEach(cleanup);

const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36";
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";

function session(id: string, current: boolean, userAgent: string) {
  return {
    id,
    created_at: "2025-01-01T10:00:00.000Z",
    last_used_at: "2025-01-02T10:00:00.000Z",
    expires_at: "2025-01-03T10:00:00.000Z",
    user_agent: userAgent,
    ip: "203.0.113.7",
    current,
  };
}

describe("sessions page", () => {
  it("lists devices and signs one of them out", async () => {
    let list = [session("ses_a", true, CHROME_MAC), session("ses_b", false, FIREFOX_LINUX)];
    const test = createTestPlatform({
      grant: testGrant(),
      routes: {
        "GET /api/auth/sessions": () => [200, { data: list, has_more: false }],
        "DELETE /api/auth/sessions/ses_b": () => {
          list = list.filter((s) => s.id !== "ses_b");
          return [204];
        },
        "DELETE /api/auth/sessions": (call) => [
          call.query.get("others") === "true" ? 200 : 400,
          { revoked: 0 },
        ],
      },
    });
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/sessions",
      mount: "/account/*",
    });
    const row = (await screen.findByText("Firefox on Linux")).closest("tr");
    if (!row) throw new Error("no row");
    expect(screen.getByText("This device")).toBeTruthy();
    await userEvent.click(within(row).getByRole("button", { name: "Sign out" }));
    await userEvent.click(screen.getByRole("button", { name: "Sign out device" }));
    await waitFor(() => expect(screen.queryByText("Firefox on Linux")).toBeNull());
    expect(test.calls.some((c) => c.method === "DELETE" && c.path === "/api/auth/sessions/ses_b")).toBe(true);
  });

  it("signs out all other devices at once", async () => {
    let list = [session("ses_a", true, CHROME_MAC), session("ses_b", false, FIREFOX_LINUX)];
    const test = createTestPlatform({
      grant: testGrant(),
      routes: {
        "GET /api/auth/sessions": () => [200, { data: list, has_more: false }],
        "DELETE /api/auth/sessions": (call) => {
          if (call.query.get("others") !== "true") return [400, {}];
          list = list.filter((s) => s.current);
          return [200, { revoked: 1 }];
        },
      },
    });
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/sessions",
      mount: "/account/*",
    });
    await screen.findByText("Firefox on Linux");
    await userEvent.click(screen.getByRole("button", { name: "Sign out all other devices" }));
    await userEvent.click(screen.getByRole("button", { name: "Sign out others" }));
    await waitFor(() => expect(screen.queryByText("Firefox on Linux")).toBeNull());
    expect(screen.getByText("Chrome on macOS")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign out all other devices" }).hasAttribute("disabled")).toBe(
      true,
    );
  });

  it("names devices from their user agent", () => {
    expect(describeDevice(CHROME_MAC)).toBe("Chrome on macOS");
    expect(describeDevice(null)).toBe("Unknown device");
  });
});

describe("session count", () => {
  it("reads as words, not session(s)", () => {
    expect(activeSessions(1)).toBe("1 active session");
    expect(activeSessions(3)).toBe("3 active sessions");
  });
});
