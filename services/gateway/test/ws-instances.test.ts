/**
 * Two gateway instances against one RabbitMQ (issue "Done when"), in the real mode: auth, payments and two
 * gateway processes, each its own process on real Postgres (fresh databases), a private RabbitMQ vhost and
 * the real Redis. Each gateway consumes every event from its own exclusive queue. A socket on A — opened
 * with a ticket B issued (tickets live in Redis) — receives the event of a payment created through B, and is
 * closed within 1 s when its session is logged out through B.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomUUID } from "node:crypto";
import { isCI, mailedToken, realServer } from "@payments/testing";
import { CLOSE_SESSION_REVOKED } from "../src/realtime/hub.ts";
import { closed, collect, opened, startTwoGateways, type TwoGateways } from "./support.ts";

const postgresUrl = realServer("postgres");
const rabbitmqUrl = realServer("rabbitmq");
const redisUrl = realServer("redis");
const ORIGIN = "https://localhost:8443";

interface Json {
  [key: string]: unknown;
}

describe.if(Boolean(postgresUrl && rabbitmqUrl && redisUrl) || isCI)("two gateways on one RabbitMQ", () => {
  let platform: TwoGateways | undefined;
  let a = "";
  let b = "";
  let mailbox = "";

  beforeAll(async () => {
    if (!postgresUrl || !rabbitmqUrl || !redisUrl)
      throw new Error("Postgres, RabbitMQ and Redis are required");
    platform = await startTwoGateways(
      "ws",
      { postgresUrl, rabbitmqUrl, redisUrl },
      {
        GATEWAY_ALLOWED_ORIGINS: ORIGIN,
      },
    );
    ({ a, b, mailbox } = platform);
  }, 180_000);

  afterAll(() => platform?.stop(), 60_000);

  async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Json };
  }

  async function register(role: "customer" | "vendor") {
    const email = `ws-${role}-${randomUUID().slice(0, 8)}@example.com`;
    const res = await call(b, "POST", "/api/auth/register", {
      email,
      password: "correct horse battery staple ws",
      name: `ws ${role}`,
      role,
    });
    expect(res.status).toBe(201);
    const verified = await call(b, "POST", "/api/auth/email/verify", {
      token: await mailedToken(mailbox, email),
    });
    expect(verified.status).toBeLessThan(300);
    return { id: String((res.json.user as Json).id), token: String(res.json.access_token) };
  }

  it("each gateway binds an exclusive queue of its own", async () => {
    const name = decodeURIComponent(new URL(platform?.busUrl ?? "amqp://x/").pathname.slice(1));
    const list = Bun.spawnSync(["rabbitmqctl", "-q", "list_queues", "-p", name, "name", "exclusive"]);
    const gatewayQueues = list.stdout
      .toString()
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([queue]) => queue?.startsWith("gateway."));
    // Per instance a work queue and its dead letters, all exclusive (gone with the instance's connection).
    const instances = new Set(gatewayQueues.map(([queue]) => queue?.split(".")[1]));
    expect(instances.size).toBe(2);
    expect(gatewayQueues.every(([, exclusive]) => exclusive === "true")).toBe(true);
  });

  it("a socket on A gets the event of a payment created through B, and closes when B logs it out", async () => {
    const payer = await register("customer");
    const payee = await register("vendor");

    // Ticket from B, socket on A: tickets are shared through Redis.
    const ticket = await call(b, "POST", "/api/realtime/ticket", undefined, payer.token);
    expect(ticket.status).toBe(200);
    const ws = new WebSocket(`${a.replace("http", "ws")}/ws?ticket=${String(ticket.json.ticket)}`, {
      headers: { origin: ORIGIN },
    });
    const inbox = collect(ws);
    await opened(ws);
    await inbox.next((m) => m.type === "welcome");

    // The payments service learns of the vendor from user.registered (eventually consistent).
    let payment: { status: number; json: Json } = { status: 0, json: {} };
    const deadline = Date.now() + 15_000;
    do {
      payment = await call(
        b,
        "POST",
        "/api/payments",
        { payee_id: payee.id, amount: 1250, currency: "usd" },
        payer.token,
      );
      if (payment.status === 201) break;
      await Bun.sleep(200);
    } while (Date.now() < deadline);
    expect(payment.status).toBe(201);
    const paymentId = String(payment.json.id);

    const pushed = await inbox.next(
      (m) =>
        m.type === "event" &&
        (m.event as Json).type === "payment.created" &&
        (m.event as Json).subject === paymentId,
      15_000,
    );
    expect(pushed.room).toBe(`user:${payer.id}`);

    const code = closed(ws);
    const loggedOut = await call(b, "POST", "/api/auth/logout", undefined, payer.token);
    expect(loggedOut.status).toBeLessThan(300);
    const started = performance.now();
    expect(await code).toBe(CLOSE_SESSION_REVOKED);
    expect(performance.now() - started).toBeLessThan(1_000);
  }, 60_000);
});
