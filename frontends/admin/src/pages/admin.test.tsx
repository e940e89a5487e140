import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import AdminApp from "../App.tsx";
import { AuditLogPage } from "./AuditLogPage.tsx";
import { ConfigPage } from "./ConfigPage.tsx";

afterEach(cleanup);

const ME = testGrant("admin").user.id;
const BOB = {
  id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w9",
  email: "bob@example.com",
  name: "Bob",
  role: "vendor",
  active: true,
  created_at: "2025-01-01T00:00:00.000Z",
};

describe("users", () => {
  it("changes a role and deactivates a user through auth's admin routes", async () => {
    let bob = { ...BOB };
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/auth/admin/users": () => [
          200,
          { data: [{ ...testGrant("admin").user }, bob], has_more: false },
        ],
        [`PATCH /api/auth/admin/users/${BOB.id}`]: (call) => {
          bob = { ...bob, ...(call.body as object) };
          return [200, bob];
        },
      },
    });
    renderWithPlatform(<AdminApp platform={test.platform} basePath="/admin" />, {
      platform: test.platform,
      path: "/admin/users",
      mount: "/admin/*",
    });
    const role = await screen.findByLabelText("Role of Bob");
    expect((screen.getByLabelText("Role of Ada Lovelace") as HTMLSelectElement).disabled).toBe(true);
    await userEvent.selectOptions(role, "customer");
    await waitFor(() => expect(test.calls.some((c) => c.method === "PATCH")).toBe(true));
    expect(test.calls.find((c) => c.method === "PATCH")?.body).toEqual({ role: "customer" });

    const row = role.closest("tr");
    if (!row) throw new Error("no row");
    await userEvent.click(within(row).getByRole("button", { name: "Deactivate" }));
    const [, confirm] = within(row).getAllByRole("button", { name: "Deactivate" });
    if (!confirm) throw new Error("no confirmation button");
    await userEvent.click(confirm);
    expect(await screen.findByText("Deactivated")).toBeTruthy();
    expect(test.calls.filter((c) => c.method === "PATCH").at(-1)?.body).toEqual({ active: false });
  });
});

describe("audit log", () => {
  it("filters and exports CSV with the same filters", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/audit-logs": () => [
          200,
          {
            data: [
              {
                id: "aud_1",
                type: "payment.created",
                subject: "pay_1",
                actor_id: ME,
                occurred_at: "2025-01-01T10:00:00.000Z",
                trace_id: "0af7651916cd43dd8448eb211c80319c",
              },
            ],
            has_more: false,
          },
        ],
        "GET /api/admin/audit-logs.csv": () => [200, "id,type\naud_1,payment.created\n"],
      },
    });
    const download = vi.fn();
    renderWithPlatform(<AuditLogPage download={download} />, { platform: test.platform });
    expect(await screen.findByText("payment.created")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Event type"), "payment.");
    await userEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(test.calls.at(-1)?.query.get("type")).toBe("payment."));
    await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(download).toHaveBeenCalledTimes(1));
    const csv = test.calls.find((c) => c.path === "/api/admin/audit-logs.csv");
    expect(csv?.query.get("type")).toBe("payment.");
    expect(csv?.headers.authorization).toBe("Bearer test-token");
    expect(download.mock.calls[0]?.[1]).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  });
});

const SETTINGS = {
  supported_currencies: ["usd", "eur", "sek"],
  payment_limits: { default: { min_amount: 1, max_amount: 1_000_000 }, per_currency: {} },
  maintenance_banner: { enabled: false, message: "", level: "info" },
  security: { require_admin_2fa: false },
  fees: { percent_bps: 290, fixed: { usd: 30 }, refunds: "keep" },
};

describe("config form", () => {
  it("adds and removes currencies, shows the change, and saves against the version it started from", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/config": () => [200, { version: 3, settings: SETTINGS }],
        "PUT /api/admin/config": (call) => {
          const body = call.body as { settings: unknown };
          return [200, { version: 4, settings: body.settings, updated_by: ME, updated_at: null }];
        },
      },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    await userEvent.type(await screen.findByLabelText("Add a currency"), "xyz");
    await userEvent.click(screen.getByRole("button", { name: "Add currency" }));
    expect(await screen.findByText(/XYZ is not an ISO 4217 currency/)).toBeTruthy();
    await userEvent.clear(screen.getByLabelText("Add a currency"));
    await userEvent.type(screen.getByLabelText("Add a currency"), "nok{Enter}");
    await userEvent.click(screen.getByRole("button", { name: "Remove SEK" }));
    const changes = screen.getByRole("list", { name: "Changes to save" });
    expect(within(changes).getByText("Accept NOK")).toBeTruthy();
    expect(within(changes).getByText("Stop accepting SEK")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Save configuration" }));
    expect(await screen.findByText("Configuration saved as version 4")).toBeTruthy();
    const put = test.calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({
      settings: { ...SETTINGS, supported_currencies: ["usd", "eur", "nok"] },
      expected_version: 3,
    });
  });

  it("sets the platform fee and the refund rule (docs/adr/0032), and says so before saving", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/config": () => [200, { version: 3, settings: SETTINGS }],
        "PUT /api/admin/config": (call) => {
          const body = call.body as { settings: unknown };
          return [200, { version: 4, settings: body.settings, updated_by: ME, updated_at: null }];
        },
      },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    const bps = await screen.findByLabelText("Percentage (basis points)");
    await userEvent.clear(bps);
    await userEvent.type(bps, "250");
    await userEvent.selectOptions(screen.getByLabelText("On a refund"), "return");
    const changes = screen.getByRole("list", { name: "Changes to save" });
    expect(
      within(changes).getByText(
        "Fees 290 bps + 30 USD, fee kept on refunds → 250 bps + 30 USD, fee returned on refunds",
      ),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Save configuration" }));
    expect(await screen.findByText("Configuration saved as version 4")).toBeTruthy();
    const put = test.calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({
      settings: { ...SETTINGS, fees: { percent_bps: 250, fixed: { usd: 30 }, refunds: "return" } },
      expected_version: 3,
    });
  });

  it("requires two-factor sign-in for admins when asked to, and says so before saving", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/config": () => [200, { version: 3, settings: SETTINGS }],
        "PUT /api/admin/config": (call) => {
          const body = call.body as { settings: unknown };
          return [200, { version: 4, settings: body.settings, updated_by: ME, updated_at: null }];
        },
      },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    await userEvent.click(
      await screen.findByRole("checkbox", { name: "Require two-factor sign-in for administrators" }),
    );
    const changes = screen.getByRole("list", { name: "Changes to save" });
    expect(within(changes).getByText("Require two-factor sign-in for administrators")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Save configuration" }));
    expect(await screen.findByText("Configuration saved as version 4")).toBeTruthy();
    const put = test.calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({
      settings: { ...SETTINGS, security: { require_admin_2fa: true } },
      expected_version: 3,
    });
  });

  it("refuses settings the service would refuse, before sending them", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: { "GET /api/admin/config": () => [200, { version: 3, settings: SETTINGS }] },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    await userEvent.click(await screen.findByRole("checkbox", { name: "Show a banner to everyone" }));
    await userEvent.click(screen.getByRole("button", { name: "Save configuration" }));
    expect(await screen.findByText("An enabled banner needs a message.")).toBeTruthy();
    expect(test.calls.some((c) => c.method === "PUT")).toBe(false);
  });

  it("says so when someone else saved first, and offers to review against their version", async () => {
    let version = 3;
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/config": () => [200, { version, settings: SETTINGS }],
        "PUT /api/admin/config": () => {
          version = 4;
          return [
            409,
            {
              error: {
                type: "conflict",
                code: "version_conflict",
                message: "The configuration changed.",
                request_id: "req_1",
              },
            },
          ];
        },
      },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    await userEvent.click(await screen.findByRole("button", { name: "Remove EUR" }));
    await userEvent.click(screen.getByRole("button", { name: "Save configuration" }));
    expect(
      await screen.findByText("Not saved: someone else changed the configuration while you were editing"),
    ).toBeTruthy();
    const review = await screen.findByRole("button", { name: "Review my changes against version 4" });
    await waitFor(() => expect(review.hasAttribute("disabled")).toBe(false));
    await userEvent.click(review);
    expect(screen.getByText(/^Version 4/)).toBeTruthy();
    expect(screen.getByText("Stop accepting EUR")).toBeTruthy();
  });
});
