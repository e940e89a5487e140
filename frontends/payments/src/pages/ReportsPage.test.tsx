import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { lastDays } from "../components/report-data.ts";

afterEach(cleanup);

function report(days: string[]) {
  const [first, second] = days.slice(-2);
  return {
    object: "report",
    scope: "user",
    from: "2025-01-01T00:00:00.000Z",
    to: "2025-01-31T00:00:00.000Z",
    currency: null,
    time_zone: "UTC",
    by_status: [],
    totals: [
      { currency: "usd", count: 3, volume: 4_000, refunded: 500, net: 3_500, failed: 1 },
      { currency: "eur", count: 1, volume: 900, refunded: 0, net: 900, failed: 0 },
    ],
    by_day: [
      { date: first, currency: "usd", count: 2, succeeded: 1, failed: 1, volume: 1_000, refunded: 0 },
      { date: second, currency: "usd", count: 1, succeeded: 1, failed: 0, volume: 3_000, refunded: 500 },
      { date: second, currency: "eur", count: 1, succeeded: 1, failed: 0, volume: 900, refunded: 0 },
    ],
  };
}

function setup(body: unknown) {
  const test = createTestPlatform({
    grant: testGrant("vendor"),
    routes: { "GET /api/payments/reports/summary": () => [200, body] },
  });
  renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
    platform: test.platform,
    path: "/payments/reports",
    mount: "/payments/*",
  });
  return test;
}

describe("reports page", () => {
  it("shows the period's totals and its days in the busiest currency, for the browser's days", async () => {
    const test = setup(report(lastDays(30).days));
    expect(await screen.findByRole("heading", { name: "Reports" })).toBeTruthy();
    expect(await screen.findByText("$40.00")).toBeTruthy();
    expect(screen.getByText("Received (USD)")).toBeTruthy();
    expect(screen.getAllByText("$5.00").length).toBeGreaterThan(0);
    const call = test.calls.find((c) => c.path === "/api/payments/reports/summary");
    expect(call?.query.get("time_zone")).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    const range = lastDays(30);
    expect(call?.query.get("from")).toBe(range.from);
    await userEvent.click(screen.getByText("Show the numbers"));
    const table = screen.getByRole("table", { name: "Received per day in USD" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByText("$30.00")).toBeTruthy();

    await userEvent.selectOptions(screen.getByLabelText("Currency"), "eur");
    expect(await screen.findByText("Received (EUR)")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Period"), "7");
    await waitFor(() =>
      expect(test.calls.filter((c) => c.path === "/api/payments/reports/summary")).toHaveLength(2),
    );
  });

  it("says so when the period has no payments", async () => {
    setup({ ...report([]), totals: [], by_day: [] });
    expect(await screen.findByText("No payments in this period yet.")).toBeTruthy();
  });
});
