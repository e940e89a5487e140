import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardPage } from "./DashboardPage.tsx";

afterEach(cleanup);

const empty = (start: string) => ({ bucket_start: start, payments: 0, by_status: [] });

/** A dashboard answer as admin serves it: six payments, one refunded, every bucket listed. */
const DASHBOARD = {
  generated_at: "2025-03-03T10:30:00.000Z",
  payments: {
    by_status: [
      { status: "failed", currency: "usd", count: 1, amount: 502, amount_refunded: 0 },
      { status: "refunded", currency: "eur", count: 1, amount: 2000, amount_refunded: 2000 },
      { status: "succeeded", currency: "usd", count: 4, amount: 10000, amount_refunded: 0 },
    ],
    volume: [
      { currency: "eur", captured: 2000, refunded: 2000, net: 0 },
      { currency: "usd", captured: 10000, refunded: 0, net: 10000 },
    ],
  },
  last_24h: { failures: [], registrations: 0, sessions_started: 0, sessions_revoked: 0, events: 0 },
  active_users: { window_minutes: 15, count: 2 },
  active_sessions: 3,
  series: {
    minute: [empty("2025-03-03T10:29:00.000Z"), empty("2025-03-03T10:30:00.000Z")],
    day: [
      {
        bucket_start: "2025-03-01T00:00:00.000Z",
        payments: 4,
        by_status: [
          { status: "succeeded", currency: "usd", count: 3, amount: 7500 },
          { status: "failed", currency: "usd", count: 1, amount: 502 },
        ],
      },
      empty("2025-03-02T00:00:00.000Z"),
      {
        bucket_start: "2025-03-03T00:00:00.000Z",
        payments: 2,
        by_status: [
          { status: "succeeded", currency: "usd", count: 1, amount: 2500 },
          { status: "refunded", currency: "eur", count: 1, amount: 2000 },
        ],
      },
    ],
  },
};

describe("dashboard", () => {
  it("counts payments (not their state changes) and shows the money per currency", async () => {
    const test = createTestPlatform({
      grant: testGrant("admin"),
      routes: { "GET /api/admin/dashboard": () => [200, DASHBOARD] },
    });
    renderWithPlatform(<DashboardPage />, { platform: test.platform });
    const volume = await screen.findByRole("table", { name: /per currency/ });
    const usd = within(volume).getAllByRole("row")[2];
    if (!usd) throw new Error("no USD row");
    const cells = within(usd)
      .getAllByRole("cell")
      .map((cell) => cell.textContent?.replace(/\s+/g, " ").trim());
    expect(cells).toEqual([
      "USD — US Dollar",
      "Payments: 5",
      "Captured $100.00",
      "Refunded $0.00",
      "Net $100.00",
    ]);
    const payments = screen.getByText("Payments", { selector: ".ui-hint" }).parentElement;
    expect(payments?.textContent).toContain("6");
    // The per-day numbers: two days with payments (the empty one is on the chart's axis, not in the table).
    const perDay = await screen.findByRole("table", { name: /created per day/ });
    expect(within(perDay).getAllByRole("row")).toHaveLength(3);
  });
});
