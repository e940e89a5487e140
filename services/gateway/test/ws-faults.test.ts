/**
 * Bad input and faults on open sockets (issue "Bad input and faults"), on a real Bun server: malformed
 * frames get an error frame and the connection stays; someone else's rooms are refused with no
 * membership; a flood is closed with 1008 and an oversized frame with 1009; a client too slow to read is
 * dropped alone while the others keep receiving.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect } from "node:net";
import { createEvent } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { CLOSE_POLICY_VIOLATION } from "../src/realtime/hub.ts";
import { closed } from "./support.ts";
import { ORIGIN, startTestGateway, user } from "./ws-support.ts";

const BACKPRESSURE_LIMIT = 64 * 1024;
let gw: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  gw = await startTestGateway({
    hub: {
      backpressureLimitBytes: BACKPRESSURE_LIMIT,
      slowCheckMs: 50,
      messageRate: { perSecond: 5, burst: 20 },
    },
  });
});
afterAll(() => gw.stop());

async function closedCount(reason: string): Promise<number> {
  const metric = await gw.registry.getSingleMetric("ws_closed_total")?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe("malformed frames", () => {
  it("answer each with an error frame and keep the connection", async () => {
    const { ws, inbox } = await gw.connect(user());
    const bad: [string | Uint8Array, string][] = [
      ["not json", "invalid_json"],
      [new Uint8Array([1, 2, 3]), "binary_not_supported"],
      ["42", "invalid_message"],
      ["null", "invalid_message"],
      [JSON.stringify({ type: "shout", room: "broadcast" }), "invalid_message"],
      [JSON.stringify({ type: "subscribe" }), "invalid_message"],
      [JSON.stringify({ type: "subscribe", room: "payment:not-an-id" }), "invalid_message"],
      [JSON.stringify({ type: "subscribe", room: `payment:pay_${"0".repeat(200)}` }), "invalid_message"],
      [JSON.stringify({ type: "subscribe", room: "broadcast", extra: true }), "invalid_message"],
    ];
    for (const [frame, code] of bad) {
      const seen = inbox.messages.length;
      ws.send(frame);
      const answer = await inbox.next((m) => m.type === "error" && inbox.messages.indexOf(m) >= seen);
      expect(answer.code, String(frame)).toBe(code);
      expect(JSON.stringify(answer)).not.toContain("not-an-id");
    }
    ws.send(JSON.stringify({ type: "ping" }));
    expect((await inbox.next((m) => m.type === "pong")).type).toBe("pong");
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe("rooms that are not yours", () => {
  it("refuses someone else's user: and payment: rooms and another role's room, with no membership", async () => {
    const me = user("customer");
    const other = user("customer");
    const vendor = user("vendor");
    const theirs = await gw.publishPayment(other.userId, vendor.userId);
    await gw.bus.idle();
    const { ws, inbox } = await gw.connect(me);
    for (const room of [`user:${other.userId}`, `payment:${theirs}`, "role:admin", "role:vendor"]) {
      ws.send(JSON.stringify({ type: "subscribe", room }));
      const answer = await inbox.next((m) => m.room === room);
      expect(answer.type, room).toBe("error");
      expect(answer.code).toBe("forbidden_room");
    }
    await gw.publishPayment(other.userId, vendor.userId, theirs);
    ws.send(JSON.stringify({ type: "ping" }));
    await inbox.next((m) => m.type === "pong");
    expect(inbox.messages.filter((m) => m.type === "event")).toEqual([]);
    ws.close();
  });
});

describe("floods and oversized frames", () => {
  it("closes a flooding socket with 1008 and leaves a client within the rate alone", async () => {
    const calm = await gw.connect(user());
    const flood = await gw.connect(user());
    const floodClosed = closed(flood.ws);
    const before = await closedCount("flood");
    for (let i = 0; i < 200; i++) flood.ws.send(JSON.stringify({ type: "ping" }));
    expect(await floodClosed).toBe(CLOSE_POLICY_VIOLATION);
    for (let i = 0; i < 10; i++) calm.ws.send(JSON.stringify({ type: "ping" }));
    await Bun.sleep(50);
    expect(calm.inbox.messages.filter((m) => m.type === "pong")).toHaveLength(10);
    expect(calm.ws.readyState).toBe(WebSocket.OPEN);
    expect(await closedCount("flood")).toBe(before + 1);
    calm.ws.close();
  });

  it("closes a socket that sends a frame over the size limit with 1009", async () => {
    const big = await gw.connect(user());
    const code = closed(big.ws);
    big.ws.send(JSON.stringify({ type: "subscribe", room: "x".repeat(10_000) }));
    expect(await code).toBe(1009);
  });
});

describe("slow clients", () => {
  it("drops a socket that stops reading, and only it", async () => {
    const admin = user("admin");
    const healthy = await gw.connect(user("admin"));
    // A raw client that completes the handshake and then never reads again.
    const slow = connect({ host: "127.0.0.1", port: gw.port });
    slow.write(
      `GET /ws?ticket=${await gw.ticketFor(admin)} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await new Promise((resolve) => slow.once("data", resolve));
    slow.pause();
    const before = await closedCount("backpressure");
    const open = gw.hub.openSockets();

    // Events for role:admin, ~1 KiB each, until the gateway gives up on the slow socket (the kernel's
    // socket buffers take a few megabytes first).
    const note = "x".repeat(500);
    let sent = 0;
    let last = "";
    while ((await closedCount("backpressure")) === before && sent < 100_000) {
      for (let i = 0; i < 500; i++) {
        const data = { ...sampleEventData("payment.failed"), failure_message: note };
        const event = createEvent({ type: "payment.failed", producer: "payments", subject: data.id, data });
        last = event.id;
        gw.hub.dispatch(event);
        sent++;
      }
      await Bun.sleep(5);
    }
    expect(await closedCount("backpressure")).toBe(before + 1);
    expect(gw.hub.openSockets()).toBe(open - 1);
    // Once it reads again, it finds its connection ended.
    const ended = new Promise<void>((resolve) => slow.on("close", () => resolve()));
    slow.resume();
    await ended;
    const lastSeen = await healthy.inbox.next(
      (m) => m.type === "event" && (m.event as { id: string }).id === last,
      10_000,
    );
    expect(lastSeen.room).toBe("role:admin");
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
  }, 60_000);
});
