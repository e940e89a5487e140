import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { connect } from "node:net";
import { createJwtVerifier } from "@payments/auth-verify";
import { createMemoryCache } from "@payments/cache";
import { createEvent, type Id, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { createInProcessBus } from "@payments/events";
import { createLogger, Registry } from "@payments/service-kit";
import type { Server } from "bun";
import { createApp, type RealtimeDeps } from "../src/app.ts";
import { CLOSE_SESSION_REVOKED, createRealtimeHub, type SocketData } from "../src/realtime/hub.ts";
import { createTicketStore } from "../src/realtime/tickets.ts";
import { createRevokedSessions } from "../src/routes/realtime.ts";
import { AUDIENCE, closed, collect, ISSUER, opened, testKeys } from "./support.ts";

const logger = createLogger({ service: "gateway-test", level: "silent" });
const ORIGIN = "http://localhost:3000";
const HEARTBEAT_MS = 300;

const keys = await testKeys();
const registry = new Registry();
const bus = createInProcessBus({ logger });
const FORGET_ROOMS_MS = 200;
const hub = createRealtimeHub({
  logger,
  registry,
  heartbeatMs: HEARTBEAT_MS,
  forgetRoomsMs: FORGET_ROOMS_MS,
});
const realtime: RealtimeDeps = {
  hub,
  tickets: createTicketStore(createMemoryCache({ namespace: "gw-test", logger })),
  verifier: createJwtVerifier({ jwks: keys.jwks, issuer: ISSUER, audience: AUDIENCE }),
  allowedOrigins: [ORIGIN],
  revokedSessions: createRevokedSessions(),
};
const { app } = createApp({ logger, registry, upstreams: new Map(), realtime });
let server: Server<SocketData>;

beforeAll(async () => {
  server = Bun.serve<SocketData>({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, s) => app.fetch(req, s),
    websocket: hub.websocket,
  });
  hub.attach(server);
  await bus.subscribe(`gateway.test`, ["#"], async (event) => {
    if (event.type === "session.revoked")
      for (const id of event.data.session_ids) realtime.revokedSessions.set(id, true);
    hub.dispatch(event);
  });
});
afterAll(async () => {
  hub.close();
  server.stop(true);
  await bus.close();
});

function user(role: "customer" | "vendor" | "admin" = "customer") {
  return { userId: newId("usr"), role, sessionId: newId("ses") };
}

async function ticketFor(claims: ReturnType<typeof user>): Promise<string> {
  const res = await app.request("/api/realtime/ticket", {
    method: "POST",
    headers: { authorization: `Bearer ${await keys.sign(claims)}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { ticket: string; expires_in: number };
  expect(body.expires_in).toBe(30);
  return body.ticket;
}

async function connectAs(claims: ReturnType<typeof user>) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?ticket=${await ticketFor(claims)}`, {
    headers: { origin: ORIGIN },
  });
  const inbox = collect(ws);
  await opened(ws);
  await inbox.next((m) => m.type === "welcome");
  return { ws, inbox };
}

async function publishPayment(payerId: Id<"usr">, payeeId: Id<"usr">, id = newId("pay")) {
  const data = { ...sampleEventData("payment.created"), id, payer_id: payerId, payee_id: payeeId };
  await bus.publish(createEvent({ type: "payment.created", producer: "payments", subject: id, data }));
  return id;
}

describe("realtime tickets", () => {
  it("requires a valid access token", async () => {
    const res = await app.request("/api/realtime/ticket", { method: "POST" });
    expect(res.status).toBe(401);
  });

  it("is one-time: a used ticket cannot open a second socket", async () => {
    const claims = user();
    const ticket = await ticketFor(claims);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?ticket=${ticket}`);
    await opened(ws);
    ws.close();
    const again = await app.request(`/ws?ticket=${ticket}`, { headers: { upgrade: "websocket" } });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("invalid_ticket");
  });

  it("refuses a foreign Origin and a missing ticket", async () => {
    const foreign = await app.request(`/ws?ticket=${await ticketFor(user())}`, {
      headers: { upgrade: "websocket", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const none = await app.request("/ws", { headers: { upgrade: "websocket" } });
    expect(none.status).toBe(401);
  });
});

describe("realtime rooms", () => {
  it("delivers a payment to payer and payee with per-room seq, and not to others", async () => {
    const payer = user("customer");
    const payee = user("vendor");
    const stranger = user("customer");
    const [a, b, c] = await Promise.all([connectAs(payer), connectAs(payee), connectAs(stranger)]);
    const first = await publishPayment(payer.userId, payee.userId);
    const second = await publishPayment(payer.userId, payee.userId);
    const toPayer = await a.inbox.next(
      (m) => m.type === "event" && (m.event as { subject: string }).subject === second,
    );
    expect(toPayer.room).toBe(`user:${payer.userId}`);
    const payerSeqs = a.inbox.messages.filter((m) => m.room === `user:${payer.userId}`).map((m) => m.seq);
    expect(payerSeqs).toEqual([1, 2]);
    await b.inbox.next((m) => m.type === "event" && (m.event as { subject: string }).subject === first);
    await Bun.sleep(50);
    expect(c.inbox.messages.filter((m) => m.type === "event")).toHaveLength(0);
    for (const s of [a, b, c]) s.ws.close();
  });

  it("lets only the payment's parties (and admins) join payment:<id>", async () => {
    const payer = user("customer");
    const stranger = user("customer");
    const admin = user("admin");
    const paymentId = await publishPayment(payer.userId, newId("usr"));
    await bus.idle();
    const [p, s, ad] = await Promise.all([connectAs(payer), connectAs(stranger), connectAs(admin)]);
    for (const x of [p, s, ad])
      x.ws.send(JSON.stringify({ type: "subscribe", room: `payment:${paymentId}` }));
    expect((await p.inbox.next((m) => m.room === `payment:${paymentId}`)).type).toBe("subscribed");
    expect((await s.inbox.next((m) => m.type === "error")).code).toBe("forbidden_room");
    expect((await ad.inbox.next((m) => m.room === `payment:${paymentId}`)).type).toBe("subscribed");
    s.ws.send("not json");
    expect((await s.inbox.next((m) => m.code === "invalid_json")).type).toBe("error");
    for (const x of [p, s, ad]) x.ws.close();
  });

  it("counts messages only in rooms with a socket in them: payments nobody watches leave nothing behind", async () => {
    const payer = user("customer");
    const payee = newId("usr");
    // The sockets of the tests before this one have gone (an admin's would count in role:admin).
    for (let waited = 0; hub.openSockets() > 0 && waited < 2_000; waited += 20) await Bun.sleep(20);
    expect(hub.openSockets()).toBe(0);
    // No socket at all: three payments (five rooms each) add no count.
    const before = hub.countedRooms();
    for (let i = 0; i < 3; i++) await publishPayment(payer.userId, payee);
    await bus.idle();
    expect(hub.countedRooms()).toBeLessThanOrEqual(before);

    // The payer watches one payment: its room counts from when the socket joined.
    const p = await connectAs(payer);
    const paymentId = await publishPayment(payer.userId, payee);
    await p.inbox.next((m) => m.type === "event" && (m.event as { subject: string }).subject === paymentId);
    p.ws.send(JSON.stringify({ type: "subscribe", room: `payment:${paymentId}` }));
    expect((await p.inbox.next((m) => m.type === "subscribed")).seq).toBe(0);
    await publishPayment(payer.userId, payee, paymentId);
    const inRoom = await p.inbox.next((m) => m.type === "event" && m.room === `payment:${paymentId}`);
    expect(inRoom.seq).toBe(1);
    expect(hub.countedRooms()).toBeGreaterThanOrEqual(2);

    // Once it leaves, its rooms' counts are dropped without any further message to them.
    const gone = closed(p.ws);
    p.ws.close();
    await gone;
    await Bun.sleep(FORGET_ROOMS_MS * 3);
    expect(hub.countedRooms()).toBe(0);
  });

  it("closes the sockets of a revoked session within 1 s, keeps the user's other sessions, refuses a new ticket", async () => {
    const claims = user();
    const { ws } = await connectAs(claims);
    const second = await connectAs(claims);
    const otherSession = await connectAs({ ...claims, sessionId: newId("ses") });
    const code = closed(ws);
    const secondCode = closed(second.ws);
    const started = performance.now();
    await bus.publish(
      createEvent({
        type: "session.revoked",
        producer: "auth",
        subject: claims.userId,
        data: { user_id: claims.userId, session_ids: [claims.sessionId], reason: "logout" },
      }),
    );
    expect(await code).toBe(CLOSE_SESSION_REVOKED);
    expect(await secondCode).toBe(CLOSE_SESSION_REVOKED);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(otherSession.ws.readyState).toBe(WebSocket.OPEN);
    otherSession.ws.close();
    const res = await app.request("/api/realtime/ticket", {
      method: "POST",
      headers: { authorization: `Bearer ${await keys.sign(claims)}` },
    });
    expect(res.status).toBe(401);
  });
});

describe("realtime heartbeat", () => {
  it("keeps a client that answers pings and drops one that does not", async () => {
    const healthy = await connectAs(user());
    // A raw TCP client that completes the handshake and then never answers a ping.
    const ticket = await ticketFor(user());
    const silent = connect({ host: "127.0.0.1", port: server.port ?? 0 });
    const ended = new Promise<void>((resolve) => silent.on("close", () => resolve()));
    silent.write(
      `GET /ws?ticket=${ticket} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    silent.on("data", () => {});
    await ended;
    await Bun.sleep(HEARTBEAT_MS);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
    const metrics = await registry.getSingleMetricAsString("ws_closed_total");
    expect(metrics).toContain('reason="heartbeat"');
  });
});
