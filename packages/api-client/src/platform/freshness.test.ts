import { sampleEventData } from "@payments/contracts/testing";
import { describe, expect, it } from "vitest";
import { FakeWebSocket, flush } from "../testing/fakes.ts";
import { createTestPlatform, testGrant } from "../testing/platform.ts";
import { REREAD_DELAYS_MS } from "./freshness.ts";

const PAY = "pay_01j9z3k7m8n9p0q1r2s3t4v5w6";
const PAYER = testGrant().user.id;
const PAYEE = "usr_01j9z3k7m8n9p0q1r2s3t4v5w8";
const PROCESSING_AT = "2026-12-07T10:00:00.100Z";
const SUCCEEDED_AT = "2026-12-07T10:00:00.350Z";

/** The payment as `GET /api/payments/:id` and the list show it. */
function view(status: "processing" | "succeeded", updatedAt: string) {
  return {
    id: PAY,
    object: "payment",
    payer_id: PAYER,
    payer_name: "Ada Lovelace",
    payee_id: PAYEE,
    payee_name: "Grace Hopper",
    amount: 1234,
    currency: "usd",
    status,
    amount_refunded: 0,
    description: null,
    metadata: {},
    failure_code: null,
    failure_message: null,
    canceled_by: null,
    cancellation_reason: null,
    created_at: "2026-12-07T10:00:00.000Z",
    updated_at: updatedAt,
  };
}

/** A signed-in platform whose socket is open and has heard `payment.succeeded` (updated at SUCCEEDED_AT). */
async function afterSucceededEvent(answers: Array<ReturnType<typeof view>>) {
  FakeWebSocket.instances = [];
  const t = createTestPlatform({
    grant: testGrant(),
    routes: {
      "POST /api/realtime/ticket": () => [200, { ticket: "tkt_1", expires_in: 30 }],
      [`GET /api/payments/${PAY}`]: () => [200, answers.shift() ?? view("succeeded", SUCCEEDED_AT)],
      "GET /api/payments": () => [
        200,
        { object: "list", data: [answers.shift() ?? view("succeeded", SUCCEEDED_AT)], has_more: false },
      ],
    },
  });
  await flush();
  const socket = FakeWebSocket.instances[0];
  if (!socket) throw new Error("the platform opened no socket");
  socket.open();
  socket.receive({ type: "welcome", rooms: [`user:${PAYER}`], seq: { [`user:${PAYER}`]: 0 } });
  socket.receive({
    type: "event",
    room: `user:${PAYER}`,
    seq: 1,
    event: {
      id: "evt_01j9z3k7m8n9p0q1r2s3t4v001",
      type: "payment.succeeded",
      version: 1,
      occurred_at: SUCCEEDED_AT,
      producer: "payments",
      subject: PAY,
      data: { ...sampleEventData("payment.succeeded"), id: PAY, updated_at: SUCCEEDED_AT },
    },
  });
  await t.platform.realtime.delivered();
  return t;
}

const reads = (t: { calls: Array<{ method: string; path: string }> }, path: string) =>
  t.calls.filter((c) => c.method === "GET" && c.path === path).length;

/** Settles `promise` while advancing the fake clock, as the waits between reads need. */
async function settle<T>(t: { timers: { advance(ms: number): void } }, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  for (let i = 0; i < 100 && !done; i++) {
    await flush();
    t.timers.advance(50);
  }
  return promise;
}

describe("reads of payments after their events", () => {
  it("reads a payment again while it is older than its last event, then shows the new status", async () => {
    const t = await afterSucceededEvent([
      view("processing", PROCESSING_AT),
      view("processing", PROCESSING_AT),
    ]);
    const payment = await settle(t, t.platform.api.payments.get(PAY));
    expect(payment.status).toBe("succeeded");
    expect(reads(t, `/api/payments/${PAY}`)).toBe(3);
  });

  it("does the same for a list page holding an older copy", async () => {
    const t = await afterSucceededEvent([view("processing", PROCESSING_AT)]);
    const page = await settle(t, t.platform.api.payments.list({}));
    expect(page.data.map((p) => p.status)).toEqual(["succeeded"]);
    expect(reads(t, "/api/payments")).toBe(2);
  });

  it("reads once when the answer is as new as the event, or when no event named the payment", async () => {
    const t = await afterSucceededEvent([]);
    expect((await t.platform.api.payments.get(PAY)).status).toBe("succeeded");
    expect(reads(t, `/api/payments/${PAY}`)).toBe(1);

    const quiet = createTestPlatform({
      grant: testGrant(),
      routes: { [`GET /api/payments/${PAY}`]: () => [200, view("processing", PROCESSING_AT)] },
    });
    expect((await quiet.platform.api.payments.get(PAY)).status).toBe("processing");
    expect(reads(quiet, `/api/payments/${PAY}`)).toBe(1);
  });

  it("gives up after its last wait and shows what it read (a cache that never catches up)", async () => {
    const stale = Array.from({ length: 20 }, () => view("processing", PROCESSING_AT));
    const t = await afterSucceededEvent(stale);
    const payment = await settle(t, t.platform.api.payments.get(PAY));
    expect(payment.status).toBe("processing");
    expect(reads(t, `/api/payments/${PAY}`)).toBe(1 + REREAD_DELAYS_MS.length);
  });

  it("forgets what it heard when the user changes", async () => {
    const t = await afterSucceededEvent([view("processing", PROCESSING_AT)]);
    t.platform.session.signIn({ ...testGrant(), user: { ...testGrant().user, id: PAYEE } });
    await flush();
    expect((await t.platform.api.payments.get(PAY)).status).toBe("processing");
    expect(reads(t, `/api/payments/${PAY}`)).toBe(1);
  });
});
