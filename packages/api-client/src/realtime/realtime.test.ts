import { beforeEach, describe, expect, it } from "vitest";
import { FakeTimers, FakeWebSocket, flush } from "../testing/fakes.ts";
import { backoffDelay, createRealtimeClient, type RealtimeDeps } from "./realtime.ts";

const PAY = "pay_01j9z3k7m8n9p0q1r2s3t4v5w6";
const PAYER = "usr_01j9z3k7m8n9p0q1r2s3t4v5w7";
const PAYEE = "usr_01j9z3k7m8n9p0q1r2s3t4v5w8";

function paymentEvent(n: number, status: "pending" | "processing" | "succeeded" = "processing") {
  const type = status === "pending" ? "payment.created" : `payment.${status}`;
  return {
    id: `evt_01j9z3k7m8n9p0q1r2s3t4v${String(n).padStart(3, "0")}`,
    type,
    version: 1,
    occurred_at: "2025-01-01T00:00:00.000Z",
    producer: "payments",
    subject: PAY,
    data: {
      id: PAY,
      payer_id: PAYER,
      payee_id: PAYEE,
      amount: 1999,
      currency: "usd",
      status,
      amount_refunded: 0,
      created_at: "2025-01-01T00:00:00.000Z",
      updated_at: "2025-01-01T00:00:00.000Z",
    },
  };
}

function setup(overrides: Partial<RealtimeDeps> = {}) {
  FakeWebSocket.instances = [];
  const timers = new FakeTimers();
  let tickets = 0;
  const client = createRealtimeClient({
    getTicket: async () => `tkt_${++tickets}`,
    socketUrl: (ticket) => `ws://test/ws?ticket=${ticket}`,
    createSocket: (url) => new FakeWebSocket(url),
    timers,
    random: () => 0.5,
    backoff: { baseMs: 1000, maxMs: 8000 },
    ...overrides,
  });
  const events: string[] = [];
  const resyncs: string[][] = [];
  client.onEvent((event, room) => events.push(`${room} ${event.type}`));
  client.onResync((rooms) => resyncs.push([...rooms]));
  const socket = (i: number) => {
    const ws = FakeWebSocket.instances[i];
    if (!ws) throw new Error(`no socket #${i}`);
    return ws;
  };
  return { client, timers, events, resyncs, socket };
}

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, jittered within [ceiling/2, ceiling]", () => {
    expect(backoffDelay(1, 1000, 8000, 0)).toBe(500);
    expect(backoffDelay(1, 1000, 8000, 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 8000, 0.5)).toBe(3000);
    expect(backoffDelay(10, 1000, 8000, 1)).toBe(8000);
    expect(backoffDelay(10, 1000, 8000, 0)).toBe(4000);
  });
});

describe("realtime client", () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it("connects with a fresh one-time ticket", async () => {
    t.client.start();
    await flush();
    expect(t.socket(0).url).toBe("ws://test/ws?ticket=tkt_1");
    t.socket(0).open();
    expect(t.client.status()).toBe("open");
  });

  it("reconnects with jittered exponential backoff and a new ticket each time", async () => {
    t.client.start();
    await flush();
    t.socket(0).drop();
    expect(t.client.status()).toBe("reconnecting");
    expect(t.timers.delays()).toEqual([750]); // attempt 1: ceiling 1000, jitter 0.5
    t.timers.advance(750);
    await flush();
    expect(t.socket(1).url).toBe("ws://test/ws?ticket=tkt_2");
    t.socket(1).drop();
    expect(t.timers.delays()).toEqual([1500]); // attempt 2: ceiling 2000
    t.timers.advance(1500);
    await flush();
    t.socket(2).drop();
    expect(t.timers.delays()).toEqual([3000]);
    t.timers.advance(3000);
    await flush();
    t.socket(3).open();
    t.socket(3).drop();
    expect(t.timers.delays()).toEqual([750]); // a successful open resets the backoff
  });

  it("re-subscribes joined rooms after a reconnect", async () => {
    t.client.subscribe(`payment:${PAY}`);
    t.client.start();
    await flush();
    t.socket(0).open();
    expect(t.socket(0).sent).toEqual([{ type: "subscribe", room: `payment:${PAY}` }]);
    t.socket(0).drop();
    t.timers.advance(10_000);
    await flush();
    t.socket(1).open();
    expect(t.socket(1).sent).toEqual([{ type: "subscribe", room: `payment:${PAY}` }]);
  });

  it("asks for a refetch of every room after a reconnect (events may have been missed)", async () => {
    t.client.subscribe(`payment:${PAY}`);
    t.client.start();
    await flush();
    t.socket(0).open();
    t.socket(0).receive({
      type: "welcome",
      rooms: ["user:u", "broadcast"],
      seq: { "user:u": 4, broadcast: 0 },
    });
    expect(t.resyncs).toEqual([]);
    t.socket(0).drop();
    t.timers.advance(10_000);
    await flush();
    t.socket(1).open();
    expect(t.resyncs).toHaveLength(1);
    expect(new Set(t.resyncs[0])).toEqual(new Set(["user:u", "broadcast", `payment:${PAY}`]));
  });

  it("reports the first welcome once as the baseline, with its rooms; a reconnect's welcome is no baseline", async () => {
    const baselines: string[][] = [];
    t.client.onBaseline((rooms) => baselines.push([...rooms]));
    t.client.start();
    await flush();
    t.socket(0).open();
    expect(baselines).toEqual([]);
    t.socket(0).receive({ type: "welcome", seq: { "user:u": 4, broadcast: 0 } });
    expect(baselines).toEqual([["user:u", "broadcast"]]);
    t.socket(0).drop();
    t.timers.advance(10_000);
    await flush();
    t.socket(1).open();
    t.socket(1).receive({ type: "welcome", seq: { "user:u": 9, broadcast: 0 } });
    expect(baselines).toHaveLength(1);
  });

  it("detects a seq gap and asks for a refetch of that room", async () => {
    t.client.start();
    await flush();
    t.socket(0).open();
    t.socket(0).receive({ type: "welcome", seq: { "user:u": 7 } });
    t.socket(0).receive({ type: "event", room: "user:u", seq: 8, event: paymentEvent(1) });
    await t.client.delivered();
    expect(t.resyncs).toEqual([]);
    t.socket(0).receive({ type: "event", room: "user:u", seq: 11, event: paymentEvent(2, "succeeded") });
    await t.client.delivered();
    expect(t.resyncs).toEqual([["user:u"]]);
    expect(t.events).toEqual(["user:u payment.processing", "user:u payment.succeeded"]);
  });

  it("drops duplicates: a replayed seq, and one event reaching several rooms", async () => {
    t.client.start();
    await flush();
    t.socket(0).open();
    t.socket(0).receive({ type: "welcome", seq: { "user:u": 0, "role:admin": 0 } });
    t.socket(0).receive({ type: "event", room: "user:u", seq: 1, event: paymentEvent(1) });
    t.socket(0).receive({ type: "event", room: "user:u", seq: 1, event: paymentEvent(1) });
    t.socket(0).receive({ type: "event", room: "role:admin", seq: 1, event: paymentEvent(1) });
    await t.client.delivered();
    expect(t.events).toEqual(["user:u payment.processing"]);
    expect(t.resyncs).toEqual([]);
  });

  it("asks for a refetch when an event cannot be understood", async () => {
    t.client.start();
    await flush();
    t.socket(0).open();
    t.socket(0).receive({ type: "event", room: "broadcast", seq: 1, event: { type: "something.new" } });
    await t.client.delivered();
    expect(t.resyncs).toEqual([["broadcast"]]);
    expect(t.events).toEqual([]);
  });

  it("does not reconnect after stop", async () => {
    t.client.start();
    await flush();
    t.socket(0).open();
    t.client.stop();
    expect(t.socket(0).closed).toBe(true);
    expect(t.client.status()).toBe("closed");
    expect(t.timers.delays()).toEqual([]);
  });

  it("stops when the ticket is refused for good (the session ended)", async () => {
    const t2 = setup({
      getTicket: async () => {
        throw new Error("401");
      },
      isFatal: () => true,
    });
    t2.client.start();
    await flush();
    expect(t2.client.status()).toBe("closed");
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(t2.timers.delays()).toEqual([]);
  });

  it("retries with backoff when the ticket cannot be fetched (offline)", async () => {
    let fail = true;
    const t2 = setup({
      getTicket: async () => {
        if (fail) throw new Error("offline");
        return "tkt_ok";
      },
    });
    t2.client.start();
    await flush();
    expect(t2.timers.delays()).toEqual([750]);
    fail = false;
    t2.timers.advance(750);
    await flush();
    expect(t2.socket(0).url).toBe("ws://test/ws?ticket=tkt_ok");
  });

  it("unsubscribes from the server when the last user of a room leaves", async () => {
    t.client.start();
    await flush();
    t.socket(0).open();
    const leaveA = t.client.subscribe(`payment:${PAY}`);
    const leaveB = t.client.subscribe(`payment:${PAY}`);
    leaveA();
    expect(t.socket(0).sent).toEqual([{ type: "subscribe", room: `payment:${PAY}` }]);
    leaveB();
    expect(t.socket(0).sent).toEqual([
      { type: "subscribe", room: `payment:${PAY}` },
      { type: "unsubscribe", room: `payment:${PAY}` },
    ]);
  });
});
