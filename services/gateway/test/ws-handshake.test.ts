/**
 * The `/ws` handshake on a real Bun server (ARCHITECTURE §7, issue "Bad input and faults"): every refusal
 * is an HTTP error before the upgrade, never a socket. Tickets live in the real Redis when REDIS_URL is set
 * (two gateways share it, as behind Caddy), in memory otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createEvent } from "@payments/contracts";
import { realServer } from "@payments/testing";
import { WS_PROTOCOL } from "../src/routes/realtime.ts";
import { collect, opened, testKeys } from "./support.ts";
import { ORIGIN, rawHandshake, startTestGateway, user } from "./ws-support.ts";

const redisUrl = realServer("redis");
const keys = await testKeys();
let a: Awaited<ReturnType<typeof startTestGateway>>;
let b: Awaited<ReturnType<typeof startTestGateway>>;

beforeAll(async () => {
  // Two gateways on one ticket store (Redis when available): a ticket from one opens a socket on the other.
  a = await startTestGateway({ redisUrl, keys });
  // b gets a Redis client of its own on the same keys when Redis is there, else a's in-memory store.
  b = await startTestGateway({
    keys,
    bus: a.bus,
    ...(redisUrl ? { redisUrl, namespace: a.namespace } : { cache: a.cache }),
  });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const allowed = { origin: ORIGIN };

describe(`ws handshake (tickets in ${redisUrl ? "Redis" : "memory"})`, () => {
  it("upgrades with a fresh ticket, also on another gateway than the one that issued it", async () => {
    const ticket = await a.ticketFor(user());
    const res = await rawHandshake(b.port, `/ws?ticket=${ticket}`, allowed);
    expect(res.status).toBe(101);
  });

  it("refuses no ticket, an empty one, a made-up one and a malformed one with 401", async () => {
    const before = a.hub.openSockets();
    for (const query of ["", "?ticket=", `?ticket=tkt_${"A".repeat(43)}`, "?ticket=../../x"]) {
      const res = await rawHandshake(a.port, `/ws${query}`, allowed);
      expect(res.status, query).toBe(401);
      expect(res.body).toContain('"invalid_ticket"');
    }
    expect(a.hub.openSockets()).toBe(before);
  });

  it("refuses a reused ticket, and of ten concurrent handshakes with one ticket upgrades exactly one", async () => {
    const ticket = await a.ticketFor(user());
    expect((await rawHandshake(a.port, `/ws?ticket=${ticket}`, allowed)).status).toBe(101);
    expect((await rawHandshake(a.port, `/ws?ticket=${ticket}`, allowed)).status).toBe(401);
    const raced = await a.ticketFor(user());
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        rawHandshake(i % 2 ? a.port : b.port, `/ws?ticket=${raced}`, allowed),
      ),
    );
    expect(statuses.map((s) => s.status).sort()).toEqual([101, ...Array<number>(9).fill(401)]);
  });

  it("refuses an expired ticket", async () => {
    const short = await startTestGateway({ redisUrl, keys, ticketTtlSeconds: 1 });
    try {
      const issued = await short.app.request("/api/realtime/ticket", {
        method: "POST",
        headers: { authorization: `Bearer ${await keys.sign(user())}` },
      });
      const { ticket, expires_in } = (await issued.json()) as { ticket: string; expires_in: number };
      expect(expires_in).toBe(1);
      await Bun.sleep(1_300);
      const res = await rawHandshake(short.port, `/ws?ticket=${ticket}`, allowed);
      expect(res.status).toBe(401);
      expect(res.body).toContain('"invalid_ticket"');
    } finally {
      await short.stop();
    }
  });

  it("refuses a foreign Origin with 403 even with a valid ticket", async () => {
    for (const origin of ["https://evil.example", "http://localhost:3000.evil.example", "null"]) {
      const res = await rawHandshake(a.port, `/ws?ticket=${await a.ticketFor(user())}`, { origin });
      expect(res.status, origin).toBe(403);
      expect(res.body).toContain('"origin_not_allowed"');
    }
  });

  it("never takes an access token from the URL", async () => {
    const token = await keys.sign(user());
    for (const query of [`?access_token=${token}`, `?token=${token}`, `?ticket=${token}`]) {
      expect((await rawHandshake(a.port, `/ws${query}`, allowed)).status).toBe(401);
    }
  });

  it("answers a plain GET /ws with 426", async () => {
    const res = await fetch(`http://127.0.0.1:${a.port}/ws`);
    expect(res.status).toBe(426);
  });
});

describe("ws handshake with the access token as a subprotocol", () => {
  it("upgrades, answers with payments.v1 only (the token is not echoed) and joins the user's rooms", async () => {
    const claims = user("vendor");
    const token = await keys.sign(claims);
    const raw = await rawHandshake(a.port, "/ws", {
      ...allowed,
      "Sec-WebSocket-Protocol": `${WS_PROTOCOL}, bearer.${token}`,
    });
    expect(raw.status).toBe(101);
    expect(raw.headers["sec-websocket-protocol"]).toBe(WS_PROTOCOL);

    const ws = new WebSocket(`ws://127.0.0.1:${a.port}/ws`, {
      protocols: [WS_PROTOCOL, `bearer.${token}`],
      headers: allowed,
    });
    const inbox = collect(ws);
    await opened(ws);
    expect(ws.protocol).toBe(WS_PROTOCOL);
    const welcome = await inbox.next((m) => m.type === "welcome");
    expect(welcome.rooms).toEqual([`user:${claims.userId}`, "role:vendor", "broadcast"]);
    ws.close();
  });

  it("refuses a bad token (401), a token without payments.v1 (400) and a revoked session's token (401)", async () => {
    const claims = user();
    const token = await keys.sign(claims);
    const bad = await rawHandshake(a.port, "/ws", {
      ...allowed,
      "Sec-WebSocket-Protocol": `${WS_PROTOCOL}, bearer.${token}x`,
    });
    expect(bad.status).toBe(401);
    const alone = await rawHandshake(a.port, "/ws", {
      ...allowed,
      "Sec-WebSocket-Protocol": `bearer.${token}`,
    });
    expect(alone.status).toBe(400);
    expect(alone.body).toContain('"protocol_required"');
    await a.bus.publish(
      createEvent({
        type: "session.revoked",
        producer: "auth",
        subject: claims.userId,
        data: { user_id: claims.userId, session_ids: [claims.sessionId], reason: "logout" },
      }),
    );
    await a.bus.idle();
    const revoked = await rawHandshake(a.port, "/ws", {
      ...allowed,
      "Sec-WebSocket-Protocol": `${WS_PROTOCOL}, bearer.${token}`,
    });
    expect(revoked.status).toBe(401);
  });
});
