import { createTestPlatform, FakeWebSocket, flush, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { apiPayment, ME, VENDOR } from "../test-data.ts";

afterEach(cleanup);
beforeEach(() => {
  FakeWebSocket.instances = [];
});

const payment = apiPayment(7);

function event(status: "processing" | "succeeded") {
  return {
    id: `evt_01j9z3k7m8n9p0q1r2s3t4v${status === "processing" ? "001" : "002"}`,
    type: `payment.${status}`,
    version: 1,
    occurred_at: "2025-01-01T10:00:01.000Z",
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
      updated_at: "2025-01-01T10:00:01.000Z",
    },
  };
}

function setup(role: "customer" | "vendor" = "customer", initial = payment) {
  let current = initial;
  const test = createTestPlatform({
    grant: testGrant(role),
    routes: {
      "POST /api/realtime/ticket": () => [200, { ticket: "tkt_1", expires_in: 30 }],
      [`GET /api/payments/${payment.id}`]: () => [200, current],
      [`GET /api/payments/${payment.id}/history`]: () => [
        200,
        { data: [{ id: "att_1", created_at: payment.created_at, from_status: null, to_status: "pending" }] },
      ],
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
  return { test, setStatus: (status: typeof payment.status) => (current = { ...current, status }) };
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
});
