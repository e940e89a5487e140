import { createTestPlatform, type FakeRoute, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { apiPayment, ME, VENDOR } from "../test-data.ts";

afterEach(cleanup);

function setup(role: "customer" | "vendor" | "admin", list: FakeRoute, path = "/payments") {
  const test = createTestPlatform({
    grant: testGrant(role),
    routes: {
      "GET /api/payments": list,
      "GET /api/admin/config/public": () => [
        200,
        { version: 1, settings: { supported_currencies: ["usd", "eur"] } },
      ],
    },
  });
  renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
    platform: test.platform,
    path,
    mount: "/payments/*",
  });
  return test;
}

const listCalls = (test: ReturnType<typeof setup>) => test.calls.filter((c) => c.path === "/api/payments");

describe("payment list", () => {
  it("pages with the cursor of the last row and filters by status", async () => {
    const all = Array.from({ length: 25 }, (_, i) =>
      apiPayment(25 - i, { status: i % 2 ? "succeeded" : "pending" }),
    );
    const test = setup("customer", (call) => {
      const status = call.query.get("status");
      const after = call.query.get("starting_after");
      const limit = Number(call.query.get("limit"));
      const matching = all.filter((p) => !status || p.status === status);
      const start = after ? matching.findIndex((p) => p.id === after) + 1 : 0;
      const data = matching.slice(start, start + limit);
      return [200, { data, has_more: start + limit < matching.length }];
    });
    expect(await screen.findByRole("table", { name: "Payments (20+)" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("table", { name: "Payments (25)" })).toBeTruthy();
    expect(listCalls(test)[1]?.query.get("starting_after")).toBe(all[19]?.id);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();

    await userEvent.selectOptions(screen.getByLabelText("Status"), "succeeded");
    expect(await screen.findByRole("table", { name: "Payments (12)" })).toBeTruthy();
    expect(screen.queryByText("Pending", { selector: ".ui-badge" })).toBeNull();
    expect(listCalls(test).at(-1)?.query.get("status")).toBe("succeeded");
  });

  it("names the vendor a customer paid; without a description, by amount and name", async () => {
    setup("customer", () => [
      200,
      { data: [apiPayment(1), apiPayment(2, { description: null })], has_more: false },
    ]);
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("columnheader", { name: "To" })).toBeTruthy();
    expect(within(table).queryByRole("columnheader", { name: "From" })).toBeNull();
    expect(within(table).getByRole("link", { name: "$12.50 to Northwind Books" })).toBeTruthy();
    expect(within(table).getAllByText("Northwind Books")).toHaveLength(2);
    expect(within(table).queryByText(/pay_/)).toBeNull();
    // Customers only send: there is no direction to choose and nothing is labelled "Sent".
    expect(screen.queryByLabelText("Direction")).toBeNull();
    expect(screen.queryByText("Sent")).toBeNull();
  });

  it("shows a vendor who paid them, and an admin both sides", async () => {
    const received = apiPayment(1, {
      payer_id: VENDOR,
      payee_id: ME,
      payer_name: "Dana Buyer",
      payee_name: "Ada",
    });
    setup("vendor", () => [200, { data: [received], has_more: false }]);
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("columnheader", { name: "From" })).toBeTruthy();
    expect(within(table).getByText("Dana Buyer")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Payments received" })).toBeTruthy();
    cleanup();

    setup("admin", () => [200, { data: [apiPayment(3)], has_more: false }]);
    const adminTable = await screen.findByRole("table");
    const headers = within(adminTable)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["Date", "Payment", "From", "To", "Amount", "Status"]);
    expect(screen.queryByText("Sent and received")).toBeNull();
    expect(screen.queryByText("Sent")).toBeNull();
  });

  it("welcomes a new customer with a first step; only a filtered list says nothing matches", async () => {
    setup("customer", () => [200, { data: [], has_more: false }]);
    expect(await screen.findByRole("heading", { name: /Welcome/ })).toBeTruthy();
    const cta = screen.getAllByRole("link", { name: "New payment" });
    expect(cta.some((link) => link.closest(".ui-empty"))).toBe(true);
    expect(screen.queryByText("No payments match these filters.")).toBeNull();

    await userEvent.selectOptions(screen.getByLabelText("Status"), "failed");
    expect(await screen.findByText("No payments match these filters.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByRole("heading", { name: /Welcome/ })).toBeTruthy();
  });

  it("sends search, dates, amounts in minor units and currency; refuses a negative amount in words", async () => {
    const test = setup("customer", () => [200, { data: [apiPayment(1)], has_more: false }]);
    await screen.findByRole("table");
    await userEvent.type(screen.getByLabelText("Search"), "books");
    await waitFor(() => expect(listCalls(test).at(-1)?.query.get("q")).toBe("books"));
    await userEvent.click(screen.getByText("More filters"));
    await waitFor(() => expect(screen.getByRole("option", { name: /^EUR/ })).toBeTruthy());
    await userEvent.selectOptions(screen.getByLabelText("Currency"), "eur");
    await userEvent.type(screen.getByLabelText("Lowest amount"), "10.5");
    await userEvent.type(screen.getByLabelText("Highest amount"), "-3");
    expect(await screen.findByText("The amount must be more than zero.")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("From"), "2025-01-01");
    await waitFor(() => {
      const q = listCalls(test).at(-1)?.query;
      expect(q?.get("currency")).toBe("eur");
      expect(q?.get("amount[gte]")).toBe("1050");
      expect(q?.has("amount[lte]")).toBe(false);
      expect(q?.get("created[gte]")).toBe(new Date("2025-01-01T00:00:00").toISOString());
      expect(q?.get("q")).toBe("books");
    });
  });

  it("a search and a filter set together both reach the query; More filters stays open", async () => {
    const test = setup("customer", () => [200, { data: [apiPayment(1)], has_more: false }]);
    await screen.findByRole("table");
    await userEvent.type(screen.getByLabelText("Search"), "tea");
    await userEvent.selectOptions(screen.getByLabelText("Status"), "failed");
    await waitFor(() => {
      const q = listCalls(test).at(-1)?.query;
      expect(q?.get("q")).toBe("tea");
      expect(q?.get("status")).toBe("failed");
    });
    // Emptying a field of "More filters" leaves the panel open.
    await userEvent.click(screen.getByText("More filters"));
    await userEvent.type(screen.getByLabelText("Lowest amount"), "5");
    await userEvent.clear(screen.getByLabelText("Lowest amount"));
    expect(screen.getByText("More filters").closest("details")?.open).toBe(true);
  });

  it("exports the filtered list as CSV", async () => {
    const test = setup(
      "vendor",
      () => [200, { data: [apiPayment(1)], has_more: false }],
      "/payments?status=succeeded",
    );
    test.route("GET /api/payments/export.csv", () => [200, "id\r\n"]);
    const created: Blob[] = [];
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) created.push(blob);
      return "blob:test";
    };
    URL.revokeObjectURL = () => {};
    await userEvent.click(await screen.findByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(created).toHaveLength(1));
    const exportCall = test.calls.find((c) => c.path === "/api/payments/export.csv");
    expect(exportCall?.query.get("status")).toBe("succeeded");
  });
});
