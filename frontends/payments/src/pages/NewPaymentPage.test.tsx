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

function setup(create: Record<string, FakeRoute> = {}) {
  const test = createTestPlatform({
    grant: testGrant("customer"),
    routes: {
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
  it("explains what is missing, in the currency's terms, before calling the API", async () => {
    const test = setup();
    await userEvent.click(await screen.findByRole("button", { name: "Pay" }));
    expect(await screen.findByText("Choose who to pay from the list.")).toBeTruthy();
    expect(screen.getByText("Enter an amount.")).toBeTruthy();

    await userEvent.selectOptions(screen.getByLabelText("Currency"), "jpy");
    expect(screen.getByText(/JPY has no minor unit/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Amount (JPY)"), "1500.5");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("JPY amounts take whole numbers only.")).toBeTruthy();
    expect(posts(test.calls)).toHaveLength(0);
  });

  it("sends integer minor units with an idempotency key and opens the new payment", async () => {
    const test = setup({ "POST /api/payments": () => [201, apiPayment(1)] });
    await choosePayee();
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
