import { createTestPlatform, FakeWebSocket, flush, testGrant } from "@payments/api-client/testing";
import { RemoteRoot } from "@payments/ui";
import { renderWithPlatform } from "@payments/ui/testing";
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { apiPayment, ME, VENDOR } from "../test-data.ts";

afterEach(cleanup);
beforeEach(() => {
  FakeWebSocket.instances = [];
});

const payment = apiPayment(7);

/** When the events below say the payment changed. */
const EVENT_AT = "2025-01-01T10:00:01.000Z";

function event(status: "processing" | "succeeded") {
  return {
    id: `evt_01j9z3k7m8n9p0q1r2s3t4v${status === "processing" ? "001" : "002"}`,
    type: `payment.${status}`,
    version: 1,
    occurred_at: EVENT_AT,
    producer: "payments",
    subject: payment.id,
    data: {
      id: payment.id,
      payer_id: ME,
      payee_id: VENDOR,
      amount: 1250,
      currency: "usd",
      status,
      amount_refunded: 0,
      created_at: payment.created_at,
      updated_at: EVENT_AT,
    },
  };
}

/** A history as the service answers it: created, sent, and whatever `more` adds. */
function historyOf(more: Partial<Record<"transitions" | "attempts" | "refunds", unknown[]>> = {}) {
  const at = (s: number) => `2025-01-01T10:00:0${s}.000Z`;
  return {
    object: "payment_history",
    payment_id: payment.id,
    transitions: [
      { id: "att_1", from: null, to: "pending", actor_id: ME, reason: "created", created_at: at(0) },
      { id: "att_2", from: "pending", to: "processing", actor_id: null, reason: null, created_at: at(1) },
      ...(more.transitions ?? []),
    ],
    attempts: more.attempts ?? [],
    refunds: more.refunds ?? [],
  };
}

function setup(role: "customer" | "vendor" = "customer", initial = payment, history = historyOf()) {
  let current = initial;
  const test = createTestPlatform({
    grant: testGrant(role),
    routes: {
      "POST /api/realtime/ticket": () => [200, { ticket: "tkt_1", expires_in: 30 }],
      [`GET /api/payments/${payment.id}`]: () => [200, current],
      [`GET /api/payments/${payment.id}/history`]: () => [200, history],
      [`POST /api/payments/${payment.id}/cancel`]: () => {
        current = { ...current, status: "canceled" };
        return [200, current];
      },
    },
  });
  renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
    platform: test.platform,
    path: `/payments/${payment.id}`,
    mount: "/payments/*",
  });
  // The service's view after a transition, as new as the transition's event (EVENT_AT).
  const setStatus = (status: typeof payment.status) => {
    current = { ...current, status, updated_at: EVENT_AT };
  };
  return { test, setStatus };
}

describe("payment detail", () => {
  it("shows status changes live, without a reload", async () => {
    const { setStatus } = setup();
    expect(await screen.findByText("Pending", { selector: ".ui-badge" })).toBeTruthy();
    expect(screen.getByText("$12.50")).toBeTruthy();
    await flush();
    const socket = FakeWebSocket.instances[0];
    if (!socket) throw new Error("no socket");
    expect(socket.url).toBe("ws://test.local/ws?ticket=tkt_1");
    act(() => socket.open());
    // The page joined the payment's room.
    await waitFor(() =>
      expect(socket.sent).toContainEqual({ type: "subscribe", room: `payment:${payment.id}` }),
    );
    setStatus("succeeded");
    act(() => {
      socket.receive({ type: "subscribed", room: `payment:${payment.id}`, seq: 0 });
      socket.receive({ type: "event", room: `payment:${payment.id}`, seq: 1, event: event("succeeded") });
    });
    expect(await screen.findByText("Succeeded", { selector: ".ui-badge" })).toBeTruthy();
    expect(screen.getByText("Status: Succeeded")).toBeTruthy();
  });

  it("lets the payer cancel a pending payment, after confirming", async () => {
    const { test } = setup("customer");
    await userEvent.click(await screen.findByRole("button", { name: "Cancel payment" }));
    const [, confirm] = screen.getAllByRole("button", { name: "Cancel payment" });
    if (!confirm) throw new Error("no confirmation button");
    await userEvent.click(confirm);
    expect(await screen.findByText("Canceled", { selector: ".ui-badge" })).toBeTruthy();
    const cancel = test.calls.find((c) => c.path.endsWith("/cancel"));
    expect(cancel?.headers["idempotency-key"]).toBeTruthy();
  });

  it("offers a refund to the payee of a succeeded payment, limited to what is left", async () => {
    const { test } = setup("vendor", {
      ...payment,
      payee_id: ME,
      payer_id: VENDOR,
      status: "succeeded",
      amount_refunded: 250,
    });
    test.route(`POST /api/payments/${payment.id}/refunds`, () => [201, { id: "re_1" }]);
    const amount = await screen.findByLabelText("Amount to refund (USD)");
    expect((amount as HTMLInputElement).value).toBe("10.00");
    await userEvent.clear(amount);
    await userEvent.type(amount, "10.01");
    await userEvent.click(screen.getByRole("button", { name: "Refund" }));
    expect(await screen.findByText("At most 10.00 can still be refunded.")).toBeTruthy();
    await userEvent.clear(amount);
    await userEvent.type(amount, "4");
    await userEvent.click(screen.getByRole("button", { name: "Refund" }));
    expect(await screen.findByText("Refund requested")).toBeTruthy();
    const refund = test.calls.find((c) => c.path.endsWith("/refunds"));
    expect(refund?.body).toEqual({ amount: 400 });
    expect(refund?.headers["idempotency-key"]).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Cancel payment" })).toBeNull();
  });

  it("names both parties; the id is only the copyable reference", async () => {
    setup();
    expect(await screen.findByRole("heading", { name: "$12.50 to Northwind Books" })).toBeTruthy();
    const details = screen.getByRole("region", { name: "Details" });
    expect(within(details).getByText("Dana Buyer")).toBeTruthy();
    expect(within(details).getByText("Northwind Books")).toBeTruthy();
    expect(within(details).queryAllByText(/usr_/)).toHaveLength(0);
    expect(within(details).getByText(payment.id)).toBeTruthy();
    expect(within(details).getByRole("link", { name: "All payments with Northwind Books" })).toBeTruthy();
    const writes: string[] = [];
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: async (text: string) => void writes.push(text) },
    });
    await userEvent.click(within(details).getByRole("button", { name: "Copy the payment reference" }));
    expect(await within(details).findByText("Copied")).toBeTruthy();
    expect(writes).toEqual([payment.id]);
  });

  it("a failed payment says why in product words, never 'created, processed in a moment'", async () => {
    const failed = {
      ...payment,
      status: "failed" as const,
      failure_code: "payment_declined",
      failure_message: "The payment processor declined this payment. No money was taken.",
    };
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        [`GET /api/payments/${payment.id}`]: () => [200, failed],
        [`GET /api/payments/${payment.id}/history`]: () => [
          200,
          historyOf({
            transitions: [
              {
                id: "att_3",
                from: "processing",
                to: "failed",
                actor_id: null,
                reason: "payment_declined",
                created_at: "2025-01-01T10:00:02.000Z",
              },
            ],
            attempts: [
              {
                id: "att_9",
                attempt: 1,
                outcome: "declined",
                failure_code: "payment_declined",
                latency_ms: 41,
                created_at: "2025-01-01T10:00:02.000Z",
              },
            ],
          }),
        ],
      },
    });
    // Opened right after paying: the page was told the payment was just created.
    render(
      <RemoteRoot platform={test.platform}>
        <MemoryRouter initialEntries={[{ pathname: `/payments/${payment.id}`, state: { created: true } }]}>
          <Routes>
            <Route
              path="/payments/*"
              element={<PaymentsApp platform={test.platform} basePath="/payments" />}
            />
          </Routes>
        </MemoryRouter>
      </RemoteRoot>,
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "This payment failedThe payment processor declined this payment. No money was taken.",
    );
    expect(screen.queryByText("Payment created")).toBeNull();
    expect(screen.queryByText(/card/i)).toBeNull();
    const timeline = await screen.findByRole("list");
    expect(
      within(timeline)
        .getAllByRole("listitem")
        .map((li) => li.lastChild?.textContent),
    ).toEqual(["Created", "Sent to the payment processor", "Failed: declined by the payment processor"]);
    expect(screen.queryByText(/41 ms|attempt/i)).toBeNull();
  });

  it("tells of refunds in money, with the words of the status badge", async () => {
    const refunded = { ...payment, status: "partially_refunded" as const, amount_refunded: 500 };
    setup(
      "customer",
      refunded,
      historyOf({
        transitions: [
          {
            id: "att_3",
            from: "processing",
            to: "succeeded",
            actor_id: null,
            reason: "processor confirmed",
            created_at: "2025-01-01T10:00:02.000Z",
          },
          {
            id: "att_4",
            from: "succeeded",
            to: "partially_refunded",
            actor_id: VENDOR,
            reason: "refund re_1",
            created_at: "2025-01-01T10:00:05.000Z",
          },
        ],
        refunds: [
          {
            id: "re_01j9z3k7m8n9p0q1r2s3t4v5w6",
            object: "refund",
            payment_id: payment.id,
            amount: 500,
            currency: "usd",
            reason: "one item returned",
            status: "succeeded",
            failure_code: null,
            failure_message: null,
            created_at: "2025-01-01T10:00:05.000Z",
          },
        ],
      }),
    );
    const timeline = await screen.findByRole("list");
    await waitFor(() =>
      expect(
        within(timeline)
          .getAllByRole("listitem")
          .map((li) => li.lastChild?.textContent),
      ).toEqual([
        "Created",
        "Sent to the payment processor",
        "Succeeded",
        "Refunded $5.00 — one item returned",
      ]),
    );
    expect(screen.getByText("Partially refunded", { selector: ".ui-badge" })).toBeTruthy();
  });
});
