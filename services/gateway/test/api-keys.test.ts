/**
 * API keys through the gateway (docs/adr/0033), in the real mode: auth, payments and two gateway processes on
 * real Postgres (fresh databases), a private RabbitMQ vhost and the real Redis. A key is exchanged for a
 * short-lived token by whichever gateway sees it; its scopes are enforced by the service from the contract;
 * revoking it through one gateway makes the other refuse it within a second (`session.revoked` on its queue).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomUUID } from "node:crypto";
import type { EventEnvelope } from "@payments/contracts";
import { createRabbitBus } from "@payments/events";
import { isCI, mailedToken, realServer } from "@payments/testing";
import { startTwoGateways, type TwoGateways } from "./support.ts";

const postgresUrl = realServer("postgres");
const rabbitmqUrl = realServer("rabbitmq");
const redisUrl = realServer("redis");

interface Json {
  [key: string]: unknown;
}

describe.if(Boolean(postgresUrl && rabbitmqUrl && redisUrl) || isCI)("API keys through two gateways", () => {
  let platform: TwoGateways | undefined;
  let a = "";
  let b = "";
  let mailbox = "";

  beforeAll(async () => {
    if (!postgresUrl || !rabbitmqUrl || !redisUrl)
      throw new Error("Postgres, RabbitMQ and Redis are required");
    platform = await startTwoGateways("apikey", { postgresUrl, rabbitmqUrl, redisUrl });
    ({ a, b, mailbox } = platform);
  }, 180_000);

  afterAll(() => platform?.stop(), 60_000);

  async function call(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    key?: string,
  ) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        "idempotency-key": key ?? randomUUID(),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, json: (await res.json().catch(() => ({}))) as Json };
  }

  async function register(role: "customer" | "vendor") {
    const email = `key-${role}-${randomUUID().slice(0, 8)}@example.com`;
    const res = await call(a, "POST", "/api/auth/register", {
      email,
      password: "correct horse battery staple keys",
      name: `key ${role}`,
      role,
    });
    expect(res.status).toBe(201);
    const verified = await call(a, "POST", "/api/auth/email/verify", {
      token: await mailedToken(mailbox, email),
    });
    expect(verified.status).toBeLessThan(300);
    return { id: String((res.json.user as Json).id), token: String(res.json.access_token) };
  }

  async function createKey(owner: { token: string }, scopes: string[]) {
    const res = await call(
      a,
      "POST",
      "/api/auth/api-keys",
      { name: `key ${scopes.join(" ")}`, scopes },
      owner.token,
    );
    expect(res.status).toBe(201);
    return { id: String(res.json.id), secret: String(res.json.secret) };
  }

  /** Retries `attempt` until `done` says yes or 15 s pass (events travel asynchronously). */
  async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    let value = await attempt();
    while (!done(value) && Date.now() < deadline) {
      await Bun.sleep(200);
      value = await attempt();
    }
    return value;
  }

  it("a payments:read key lists payments but cannot refund (403 insufficient_scope)", async () => {
    const vendor = await register("vendor");
    const key = await createKey(vendor, ["payments:read"]);
    const list = await call(b, "GET", "/api/payments", undefined, key.secret);
    expect(list.status).toBe(200);
    expect(list.headers.get("ratelimit-limit")).not.toBeNull();
    const refund = await call(
      b,
      "POST",
      `/api/payments/pay_${"0".repeat(26)}/refunds`,
      { amount: 100 },
      key.secret,
    );
    expect(refund.status).toBe(403);
    expect((refund.json.error as Json).code).toBe("insufficient_scope");
    // Routes whose contract names no scope are closed to keys, wherever they are served.
    expect((await call(b, "GET", "/api/profile/me", undefined, key.secret)).status).not.toBe(200);
    expect((await call(b, "GET", "/api/auth/api-keys", undefined, key.secret)).status).toBe(403);
    // A made-up key of the right shape is 401 at the gateway.
    const unknown = await call(b, "GET", "/api/payments", undefined, `sk_${"x".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect((unknown.json.error as Json).code).toBe("invalid_api_key");
  }, 60_000);

  it("a refunds:write key refunds as its owner, and an Idempotency-Key replays as with a token", async () => {
    const customer = await register("customer");
    const vendor = await register("vendor");
    const paid = await eventually(
      () =>
        call(
          a,
          "POST",
          "/api/payments",
          { payee_id: vendor.id, amount: 5000, currency: "usd" },
          customer.token,
        ),
      (r) => r.status === 201,
    );
    expect(paid.status).toBe(201);
    const paymentId = String(paid.json.id);
    const settled = await eventually(
      () => call(a, "GET", `/api/payments/${paymentId}`, undefined, customer.token),
      (r) => r.json.status === "succeeded",
    );
    expect(settled.json.status).toBe("succeeded");
    const key = await createKey(vendor, ["payments:read", "refunds:write"]);
    const idem = randomUUID();
    const first = await call(
      b,
      "POST",
      `/api/payments/${paymentId}/refunds`,
      { amount: 1000 },
      key.secret,
      idem,
    );
    expect(first.status).toBe(201);
    const again = await call(
      a,
      "POST",
      `/api/payments/${paymentId}/refunds`,
      { amount: 1000 },
      key.secret,
      idem,
    );
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.id).toBe(first.json.id);
  }, 60_000);

  it("every call made with a key is published for the audit log as api_key.used, with the key id", async () => {
    if (!platform) throw new Error("no platform");
    const seen: EventEnvelope[] = [];
    const bus = createRabbitBus({
      url: platform.busUrl,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      await bus.subscribe(
        `audit-probe-${randomUUID().slice(0, 8)}`,
        ["api_key.used"],
        async (event) => void seen.push(event),
        { exclusive: true },
      );
      const vendor = await register("vendor");
      const key = await createKey(vendor, ["payments:read"]);
      expect((await call(b, "GET", "/api/payments?limit=2", undefined, key.secret)).status).toBe(200);
      const refused = await call(
        a,
        "POST",
        `/api/payments/pay_${"0".repeat(26)}/refunds`,
        { amount: 1 },
        key.secret,
      );
      expect(refused.status).toBe(403);
      const mine = await eventually(
        async () => seen.filter((e) => e.type === "api_key.used" && e.data.api_key_id === key.id),
        (list) => list.length >= 2,
      );
      const calls = mine.map((e) => (e.type === "api_key.used" ? e.data : undefined));
      expect(calls).toContainEqual(
        expect.objectContaining({ user_id: vendor.id, method: "GET", path: "/api/payments", status: 200 }),
      );
      // A refused call is recorded too, with its status.
      expect(calls).toContainEqual(expect.objectContaining({ method: "POST", status: 403 }));
    } finally {
      await bus.close();
    }
  }, 60_000);

  it("a key revoked through A is refused by B within a second", async () => {
    const vendor = await register("vendor");
    const key = await createKey(vendor, ["payments:read"]);
    // B has exchanged and cached the key's token.
    expect((await call(b, "GET", "/api/payments", undefined, key.secret)).status).toBe(200);
    const revoked = await call(a, "DELETE", `/api/auth/api-keys/${key.id}`, undefined, vendor.token);
    expect(revoked.status).toBe(200);
    const started = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - started < 3_000) {
      status = (await call(b, "GET", "/api/payments", undefined, key.secret)).status;
      if (status === 200) await Bun.sleep(20);
    }
    const elapsed = performance.now() - started;
    expect(status).toBe(401);
    // The bound: refused on every gateway within 1 s of the revocation.
    expect(elapsed).toBeLessThan(1_000);
    const listed = await call(a, "GET", "/api/auth/api-keys", undefined, vendor.token);
    const row = (listed.json.data as Json[]).find((k) => k.id === key.id);
    expect(row?.revoked_at).not.toBeNull();
    expect(row?.last_used_at).not.toBeNull();
  }, 60_000);
});
