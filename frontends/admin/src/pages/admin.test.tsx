import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import AdminApp from "../App.tsx";
import { AuditLogPage } from "./AuditLogPage.tsx";
import { ConfigPage, parseSettings } from "./ConfigPage.tsx";

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

describe("config editor", () => {
  it("refuses text that is not a JSON object", () => {
    expect(parseSettings("[1]")).toEqual({
      ok: false,
      message: "The settings must be a JSON object ({ … }).",
    });
    expect(parseSettings("{").ok).toBe(false);
    expect(parseSettings('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("saves the edited settings against the version they were based on", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: {
        "GET /api/admin/config": () => [200, { version: 3, settings: { maintenance_banner: null } }],
        "PUT /api/admin/config": (call) => [200, { version: 4, settings: call.body }],
      },
    });
    renderWithPlatform(<ConfigPage />, { platform: test.platform });
    const editor = await screen.findByLabelText("Settings (JSON)");
    fireEvent.change(editor, { target: { value: "{ nope" } });
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText(/Not valid JSON/)).toBeTruthy();
    fireEvent.change(editor, { target: { value: '{"maintenance_banner": "Back soon"}' } });
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Version 4")).toBeTruthy();
    const put = test.calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({ maintenance_banner: "Back soon" });
    expect(put?.headers["if-match"]).toBe("3");
  });
});
