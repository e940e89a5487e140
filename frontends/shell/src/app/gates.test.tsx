import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { Home, NotFound, RequireSession } from "./guards.tsx";
import { ADMIN_TWO_FACTOR_REQUIRED, AdminTwoFactorGate } from "./two-factor-gate.tsx";
import { VerifyEmailBanner } from "./VerifyEmailBanner.tsx";

afterEach(cleanup);

/** Where the app ended up, and the state it was sent with. */
function Where() {
  const location = useLocation();
  return (
    <p data-testid="where">
      {location.pathname} {JSON.stringify(location.state ?? null)}
    </p>
  );
}

function unverified() {
  const grant = testGrant("customer");
  return { ...grant, user: { ...grant.user, email_verified: false } };
}

describe("the verify-your-address banner", () => {
  it("asks an unconfirmed user to confirm, and mails the link again", async () => {
    const test = createTestPlatform({
      grant: unverified(),
      routes: { "POST /api/auth/email/resend": () => [202] },
    });
    renderWithPlatform(<VerifyEmailBanner />, { platform: test.platform, path: "/payments" });
    expect(screen.getByText(/We sent a link to ada@example.com/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Send the link again" }));
    expect(await screen.findByText("A new link is on its way to ada@example.com.")).toBeTruthy();
  });

  it("says why when the mail cannot be sent, and hides itself on the page the link opens", async () => {
    const test = createTestPlatform({
      grant: unverified(),
      routes: {
        "POST /api/auth/email/resend": () => [
          429,
          { error: { type: "rate_limited", code: "rate_limited", message: "Slow down.", request_id: "r" } },
        ],
      },
    });
    renderWithPlatform(<VerifyEmailBanner />, { platform: test.platform, path: "/payments" });
    await userEvent.click(screen.getByRole("button", { name: "Send the link again" }));
    expect(await screen.findByText(/./, { selector: ".ui-alert div" })).toBeTruthy();
    expect(screen.queryByText(/We sent a link/)).toBeNull();
    cleanup();
    renderWithPlatform(<VerifyEmailBanner />, { platform: test.platform, path: "/account/verify" });
    expect(screen.queryByText("Confirm your e-mail address")).toBeNull();
  });

  it("is not shown to a confirmed user", () => {
    const test = createTestPlatform({ grant: testGrant("vendor") });
    renderWithPlatform(<VerifyEmailBanner />, { platform: test.platform, path: "/payments" });
    expect(screen.queryByText("Confirm your e-mail address")).toBeNull();
  });
});

function renderGate(requireTwoFactor: boolean | "error", enrolled: boolean, role: "admin" | "vendor") {
  const test = createTestPlatform({
    grant: testGrant(role),
    routes: {
      "GET /api/admin/config/public": () =>
        requireTwoFactor === "error"
          ? [503, { error: { type: "unavailable", code: "unavailable", message: "Down.", request_id: "r" } }]
          : [200, { version: 1, settings: { security: { require_admin_2fa: requireTwoFactor } } }],
      "GET /api/auth/2fa": () => [
        200,
        { enabled: enrolled, enabled_at: null, recovery_codes_remaining: enrolled ? 10 : 0 },
      ],
    },
  });
  test.platform.queryClient.setDefaultOptions({ queries: { retry: false } });
  renderWithPlatform(
    <Routes>
      <Route
        path="/admin"
        element={
          <AdminTwoFactorGate>
            <p>admin pages</p>
          </AdminTwoFactorGate>
        }
      />
      <Route path="*" element={<Where />} />
    </Routes>,
    { platform: test.platform, path: "/admin" },
  );
  return test;
}

describe("the admin two-factor gate", () => {
  it("sends an admin without two-factor sign-in to the security page while the rule is on", async () => {
    renderGate(true, false, "admin");
    const where = await screen.findByTestId("where");
    expect(where.textContent).toContain("/account/security");
    expect(where.textContent).toContain(ADMIN_TWO_FACTOR_REQUIRED);
  });

  it("lets an enrolled admin in, and every admin when the rule is off or cannot be read", async () => {
    renderGate(true, true, "admin");
    expect(await screen.findByText("admin pages")).toBeTruthy();
    cleanup();
    renderGate(false, false, "admin");
    expect(await screen.findByText("admin pages")).toBeTruthy();
    cleanup();
    renderGate("error", false, "admin");
    expect(await screen.findByText("admin pages")).toBeTruthy();
  });

  it("asks nothing for other roles (the service answers for itself)", async () => {
    const test = renderGate(true, false, "vendor");
    expect(await screen.findByText("admin pages")).toBeTruthy();
    const asked = test.calls.filter(
      (c) => c.path === "/api/admin/config/public" || c.path === "/api/auth/2fa",
    );
    expect(asked).toHaveLength(0);
  });
});

describe("session guards", () => {
  it("explains a page for another role, with a link to the user's own start page", () => {
    const test = createTestPlatform({ grant: testGrant("customer") });
    renderWithPlatform(
      <RequireSession requiredRole="admin">
        <p>admin only</p>
      </RequireSession>,
      { platform: test.platform, path: "/admin" },
    );
    expect(screen.getByText("This page is not for your account")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Go to your start page" }).getAttribute("href")).toBe(
      "/payments",
    );
    expect(screen.queryByText("admin only")).toBeNull();
  });

  it("sends a signed-out visitor to the login page, remembering where they were going", async () => {
    const test = createTestPlatform();
    test.platform.session.expire();
    renderWithPlatform(
      <Routes>
        <Route
          path="/payments/new"
          element={
            <RequireSession>
              <p>form</p>
            </RequireSession>
          }
        />
        <Route path="*" element={<Where />} />
      </Routes>,
      { platform: test.platform, path: "/payments/new?payee=usr_1" },
    );
    const where = await screen.findByTestId("where");
    expect(where.textContent).toBe('/account/login {"from":"/payments/new?payee=usr_1"}');
  });

  it("home goes to the role's start page or the login page; an unknown address says so", async () => {
    const signedIn = createTestPlatform({ grant: testGrant("vendor") });
    const routes = (
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="*" element={<Where />} />
      </Routes>
    );
    renderWithPlatform(routes, { platform: signedIn.platform, path: "/" });
    expect((await screen.findByTestId("where")).textContent).toContain("/payments");
    cleanup();
    const signedOut = createTestPlatform();
    signedOut.platform.session.expire();
    renderWithPlatform(routes, { platform: signedOut.platform, path: "/" });
    expect((await screen.findByTestId("where")).textContent).toContain("/account/login");
    cleanup();
    renderWithPlatform(<NotFound />, { platform: signedOut.platform, path: "/nowhere" });
    expect(screen.getByText("Page not found")).toBeTruthy();
  });
});
