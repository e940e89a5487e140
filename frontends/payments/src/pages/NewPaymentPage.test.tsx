import {
  createTestPlatform,
  type FakeRoute,
  type RecordedCall,
  testGrant,
} from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { apiPayment, VENDOR } from "../test-data.ts";

afterEach(cleanup);

const posts = (calls: RecordedCall[]) =>
  calls.filter((c) => c.method === "POST" && c.path === "/api/payments");

/** The server's accepted currencies in these tests (bhd: a three-decimal currency). */
const SUPPORTED = ["usd", "eur", "jpy", "bhd", "sek"];

function setup(create: Record<string, FakeRoute> = {}, preferred?: string) {
  const test = createTestPlatform({
    grant: testGrant("customer"),
    routes: {
      "GET /api/admin/config/public": () => [
        200,
        { version: 2, settings: { supported_currencies: SUPPORTED } },
      ],
      "GET /api/payments/payees": (call) => [
        200,
        {
          data:
            call.query.get("query") === "Bo"
              ? [{ id: VENDOR, name: "Bob's Bikes", email: "bob@example.com" }]
              : [],
        },
      ],
      [`GET /api/payments/${apiPayment(1).id}`]: () => [200, apiPayment(1)],
      [`GET /api/payments/${apiPayment(1).id}/history`]: () => [200, { data: [] }],
      ...create,
    },
  });
  if (preferred)
    test.platform.preferences.set({ theme: "system", locale: "en-US", default_currency: preferred });
  renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
    platform: test.platform,
    path: "/payments/new",
    mount: "/payments/*",
  });
  return test;
}

async function choosePayee() {
  await userEvent.type(await screen.findByRole("combobox", { name: "Pay to" }), "Bo");
  await userEvent.click(await screen.findByRole("option", { name: /Bob's Bikes/ }));
}

describe("new payment form", () => {
  it("offers exactly the server's currencies, the preferred one preselected", async () => {
    setup({}, "sek");
    const select = await screen.findByLabelText<HTMLSelectElement>("Currency");
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(SUPPORTED));
    expect(select.value).toBe("sek");
    expect(screen.getByLabelText("Amount (SEK)")).toBeTruthy();
  });

  it("preselects the first accepted currency when the preferred one is not accepted", async () => {
    setup({}, "inr");
    const select = await screen.findByLabelText<HTMLSelectElement>("Currency");
    await waitFor(() => expect(select.value).toBe("usd"));
    expect([...select.options].map((o) => o.value)).not.toContain("inr");
  });

  it("reads the list again when the server refuses a currency (an admin removed it meanwhile)", async () => {
    const test = setup({
      "POST /api/payments": () => [
        400,
        {
          error: {
            type: "invalid_request",
            code: "unsupported_currency",
            message: "Currency sek is not supported (supported: usd, eur).",
            param: "currency",
            request_id: "req_1",
          },
        },
      ],
    });
    await choosePayee();
    const select = await screen.findByLabelText<HTMLSelectElement>("Currency");
    await waitFor(() => expect(select.options).toHaveLength(SUPPORTED.length));
    test.route("GET /api/admin/config/public", () => [
      200,
      { version: 3, settings: { supported_currencies: ["usd", "eur"] } },
    ]);
    await userEvent.selectOptions(select, "sek");
    await userEvent.type(screen.getByLabelText("Amount (SEK)"), "10");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect((await screen.findAllByText(/Currency sek is not supported/)).length).toBeGreaterThan(0);
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(["usd", "eur"]));
    const reads = test.calls.filter((c) => c.path === "/api/admin/config/public");
    expect(reads.at(-1)?.headers["cache-control"]).toBe("no-cache");
  });

  it("explains what is missing, in the currency's terms, before calling the API", async () => {
    const test = setup();
    await userEvent.click(await screen.findByRole("button", { name: "Pay" }));
    expect(await screen.findByText("Choose who to pay from the list.")).toBeTruthy();
    expect(screen.getByText("Enter an amount.")).toBeTruthy();

    await waitFor(() => expect(screen.getByRole("option", { name: /^JPY/ })).toBeTruthy());
    await userEvent.selectOptions(screen.getByLabelText("Currency"), "jpy");
    expect(screen.getByText(/JPY has no minor unit/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Amount (JPY)"), "1500.5");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("JPY amounts take whole numbers only.")).toBeTruthy();
    expect(posts(test.calls)).toHaveLength(0);
  });

  it("says a negative amount must be more than zero, not that it is no number", async () => {
    const test = setup();
    await choosePayee();
    await userEvent.type(screen.getByLabelText("Amount (USD)"), "-5");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("The amount must be more than zero.")).toBeTruthy();
    expect(screen.queryByText("Enter a number, like 12.50.")).toBeNull();
    expect(posts(test.calls)).toHaveLength(0);
  });

  it("sends integer minor units with an idempotency key and opens the new payment", async () => {
    const test = setup({ "POST /api/payments": () => [201, apiPayment(1)] });
    await choosePayee();
    await waitFor(() => expect(screen.getByRole("option", { name: /^BHD/ })).toBeTruthy());
    await userEvent.selectOptions(screen.getByLabelText("Currency"), "bhd");
    await userEvent.type(screen.getByLabelText("Amount (BHD)"), "12.345");
    await userEvent.type(screen.getByLabelText("Description (optional)"), "Bike repair");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("Payment created")).toBeTruthy();
    const [post] = posts(test.calls);
    expect(post?.body).toEqual({
      payee_id: VENDOR,
      amount: 12345,
      currency: "bhd",
      description: "Bike repair",
    });
    expect(post?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("pays once when the button is clicked twice", async () => {
    let release: () => void = () => {};
    const test = setup({
      "POST /api/payments": () => new Promise((resolve) => (release = () => resolve([201, apiPayment(1)]))),
    });
    await choosePayee();
    await userEvent.type(screen.getByLabelText("Amount (USD)"), "12.50");
    const pay = screen.getByRole("button", { name: "Pay" });
    await userEvent.dblClick(pay);
    await userEvent.click(pay);
    release();
    expect(await screen.findByText("Payment created")).toBeTruthy();
    expect(posts(test.calls)).toHaveLength(1);
    expect(posts(test.calls)[0]?.body).toMatchObject({ amount: 1250, currency: "usd" });
  });

  it("reuses the key when retrying after a network failure, and takes a new one for a new amount", async () => {
    let attempt = 0;
    const test = setup({
      "POST /api/payments": () => {
        attempt += 1;
        if (attempt <= 2) throw new TypeError("Failed to fetch");
        return [201, apiPayment(1)];
      },
    });
    await choosePayee();
    await userEvent.type(screen.getByLabelText("Amount (USD)"), "12.50");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("Cannot reach the server")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    await waitFor(() => expect(posts(test.calls)).toHaveLength(2));
    await userEvent.clear(screen.getByLabelText("Amount (USD)"));
    await userEvent.type(screen.getByLabelText("Amount (USD)"), "13");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("Payment created")).toBeTruthy();
    const keys = posts(test.calls).map((c) => c.headers["idempotency-key"]);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[1]);
    expect(posts(test.calls)[2]?.body).toMatchObject({ amount: 1300 });
  });
});
