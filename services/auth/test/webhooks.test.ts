/**
 * Webhooks against a real local receiver (Bun.serve in the test; docs/adr/0034): Standard Webhooks signatures
 * verified with the `standardwebhooks` package, Svix's retry schedule (scaled by WEBHOOKS_RETRY_SCALE), the
 * delivery log, replays, secret rotation with both signatures, no redirects, the 1 KB capture, and the
 * refusal of loopback targets unless WEBHOOKS_ALLOW_PRIVATE_TARGETS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, type EventEnvelope } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { Webhook } from "standardwebhooks";
import { enqueueEvent } from "../src/webhooks/deliveries.ts";
import { RETRY_SCHEDULE_MS } from "../src/webhooks/schedule.ts";
import { startWebhookWorker } from "../src/webhooks/worker.ts";
import {
  adapters,
  buildApp,
  errorOf,
  openTestDb,
  register,
  type SignedIn,
  type TestApp,
  type TestDb,
} from "./support.ts";

/** Retries 100× faster than production: 0, 50 ms, 3 s, … */
const SCALE = 0.01;

interface Received {
  at: number;
  headers: Record<string, string>;
  body: string;
}

/** A receiver answering with the statuses queued in `answers` (then 200), recording every request. */
function receiver() {
  const received: Received[] = [];
  const answers: Array<{ status: number; body?: string; headers?: Record<string, string> }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      received.push({
        at: performance.now(),
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      });
      const answer = answers.shift() ?? { status: 200, body: "ok" };
      return new Response(answer.body ?? "", { status: answer.status, headers: answer.headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hooks`, received, answers, stop: () => server.stop(true) };
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await Bun.sleep(20);
    value = await read();
  }
  return value;
}

let testDb: TestDb;
let t: TestApp;
let worker: { stop(): Promise<void> };
const receivers: Array<ReturnType<typeof receiver>> = [];

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb, { webhooks: { allowPrivate: true, retryScale: SCALE } });
  worker = startWebhookWorker(t.webhooks);
}, 120_000);
afterEach(() => {
  for (const r of receivers.splice(0)) r.stop();
});
afterAll(async () => {
  await worker.stop();
  await testDb.close();
});

function newReceiver() {
  const r = receiver();
  receivers.push(r);
  return r;
}

async function createEndpoint(owner: SignedIn, url: string, events = ["payment.succeeded"]) {
  const res = await t.request("/webhook-endpoints", {
    token: owner.access_token,
    json: { url, events, description: "test" },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

function paymentSucceeded(payeeId: string): EventEnvelope {
  const data = { ...sampleEventData("payment.succeeded"), payee_id: payeeId as `usr_${string}` };
  return createEvent({ type: "payment.succeeded", producer: "payments", subject: data.id, data });
}

async function deliveries(owner: SignedIn, query = "") {
  const res = await t.request(`/webhook-deliveries${query}`, { token: owner.access_token });
  expect(res.status).toBe(200);
  return (
    (await res.json()) as {
      data: Array<Record<string, unknown> & { attempts: Array<Record<string, unknown>> }>;
    }
  ).data;
}

describe(`webhooks (${adapters})`, () => {
  test("a matching event is POSTed once, signed per Standard Webhooks, the body being the event", async () => {
    const vendor = await register(t, { role: "vendor" });
    const r = newReceiver();
    const endpoint = await createEndpoint(vendor, r.url);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const event = paymentSucceeded(vendor.user.id);
    expect(await enqueueEvent(t.webhooks, event)).toBe(1);
    // A redelivered event (at least once from the bus) adds no second delivery: the inbox keeps it once.
    expect(await enqueueEvent(t.webhooks, event)).toBe(0);
    // An event about other users, or of a type it did not subscribe to, is not sent to it.
    expect(await enqueueEvent(t.webhooks, paymentSucceeded("usr_01j9z3k7aaaaaaaaaaaaaaaaaa"))).toBe(0);
    const got = await until(
      () => r.received,
      (x) => x.length >= 1,
    );
    expect(got).toHaveLength(1);
    const [first] = got;
    if (!first) throw new Error("nothing received");
    const verified = new Webhook(endpoint.secret).verify(first.body, first.headers) as {
      id: string;
      type: string;
      data: { payee_id: string };
    };
    expect(verified.id).toBe(event.id);
    expect(verified.type).toBe("payment.succeeded");
    expect(verified.data.payee_id).toBe(vendor.user.id);
    expect(first.headers["webhook-id"]).toBe(event.id);
    expect(first.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    // Another secret does not verify it.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(first.body, first.headers),
    ).toThrow();
    const log = await until(
      () => deliveries(vendor),
      (d) => d[0]?.status === "succeeded",
    );
    expect(log[0]).toMatchObject({ status: "succeeded", attempt_count: 1, event_type: "payment.succeeded" });
    expect(log[0]?.attempts[0]).toMatchObject({ status_code: 200, response_body: "ok", error: null });
  });

  test("500, 500, 200: three attempts, each after its scaled delay; the log holds all three", async () => {
    const vendor = await register(t, { role: "vendor" });
    const r = newReceiver();
    r.answers.push({ status: 500, body: "x".repeat(5000) }, { status: 500, body: "down" });
    await createEndpoint(vendor, r.url);
    await enqueueEvent(t.webhooks, paymentSucceeded(vendor.user.id));
    const got = await until(
      () => r.received,
      (x) => x.length >= 3,
      20_000,
    );
    expect(got.map((x) => x.headers["webhook-id"])).toEqual(Array(3).fill(got[0]?.headers["webhook-id"]));
    const [a, b, c] = got.map((x) => x.at);
    // Never earlier than the schedule says (5 s and 5 min, scaled).
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual((RETRY_SCHEDULE_MS[1] ?? 0) * SCALE - 5);
    expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual((RETRY_SCHEDULE_MS[2] ?? 0) * SCALE - 5);
    await Bun.sleep(200);
    expect(r.received).toHaveLength(3);
    const [log] = await until(
      () => deliveries(vendor),
      (d) => d[0]?.status === "succeeded",
    );
    expect(log?.attempt_count).toBe(3);
    expect(log?.attempts.map((x) => x.status_code)).toEqual([200, 500, 500]);
    // Only the first 1 KB of an answer is kept.
    expect(String(log?.attempts[2]?.response_body)).toHaveLength(1024);
  }, 30_000);

  test("replay sends a delivery again with the same webhook-id; replay-failed requeues failures since a time", async () => {
    const vendor = await register(t, { role: "vendor" });
    const r = newReceiver();
    const endpoint = await createEndpoint(vendor, r.url);
    await enqueueEvent(t.webhooks, paymentSucceeded(vendor.user.id));
    const [done] = await until(
      () => deliveries(vendor),
      (d) => d[0]?.status === "succeeded",
    );
    const res = await t.request(`/webhook-deliveries/${String(done?.id)}/replay`, {
      method: "POST",
      token: vendor.access_token,
    });
    expect(res.status).toBe(202);
    const got = await until(
      () => r.received,
      (x) => x.length >= 2,
    );
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);

    // A redirect is not followed and counts as a failure; with the schedule spent the delivery has failed.
    const since = new Date().toISOString();
    r.answers.push(...Array(8).fill({ status: 302, headers: { location: "http://169.254.169.254/" } }));
    await enqueueEvent(t.webhooks, paymentSucceeded(vendor.user.id));
    // 8 attempts over 27.6 h × 0.01 ≈ 16.6 min is too long to wait: move the failed one along by hand.
    // After the second attempt the third is 3 s away: long enough to mark the delivery failed by hand.
    const [pending] = await until(
      () => deliveries(vendor, "?status=pending"),
      (d) => (d[0]?.attempts.length ?? 0) >= 2,
    );
    expect(pending?.attempts[0]).toMatchObject({ status_code: 302, error: "redirects are not followed" });
    expect(r.received.at(-1)?.headers["webhook-id"]).toBe(String(pending?.event_id));
    const { webhookDeliveries } = await import("../src/webhooks/schema.ts");
    const { eq } = await import("drizzle-orm");
    await testDb.db
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null })
      .where(eq(webhookDeliveries.id, String(pending?.id)));
    r.answers.length = 0;
    const replayed = await t.request("/webhook-deliveries/replay-failed", {
      token: vendor.access_token,
      json: { endpoint_id: endpoint.id, since },
    });
    expect(replayed.status).toBe(202);
    expect(await replayed.json()).toEqual({ replayed: 1 });
    const [again] = await until(
      () => deliveries(vendor, `?endpoint_id=${endpoint.id}`),
      (d) => d[0]?.status === "succeeded",
    );
    expect(again?.id).toBe(pending?.id);
  }, 30_000);

  test("after a rotation every delivery carries both signatures, each verifying with its secret", async () => {
    const vendor = await register(t, { role: "vendor" });
    const r = newReceiver();
    const endpoint = await createEndpoint(vendor, r.url);
    const rotated = await t.request(`/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      method: "POST",
      token: vendor.access_token,
    });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(endpoint.secret);
    const test = await t.request(`/webhook-endpoints/${endpoint.id}/test`, {
      method: "POST",
      token: vendor.access_token,
    });
    expect(test.status).toBe(202);
    const [got] = await until(
      () => r.received,
      (x) => x.length >= 1,
    );
    if (!got) throw new Error("nothing received");
    expect(got.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const s of [secret, endpoint.secret])
      expect(new Webhook(s).verify(got.body, got.headers)).toMatchObject({ type: "webhook.test" });
  });

  test("an endpoint failing for the whole (scaled) 5 days is disabled and its owner told by mail", async () => {
    const vendor = await register(t, { role: "vendor" });
    const r = newReceiver();
    r.answers.push({ status: 503 });
    const endpoint = await createEndpoint(vendor, r.url);
    const { webhookEndpoints } = await import("../src/webhooks/schema.ts");
    const { mailOutbox } = await import("@payments/mail");
    const { eq } = await import("drizzle-orm");
    // Failing since longer than 5 days × 0.01 (72 min): the next failure ends it.
    const since = new Date(Date.now() - 2 * 3600_000);
    await testDb.db
      .update(webhookEndpoints)
      .set({ failingSince: since })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await enqueueEvent(t.webhooks, paymentSucceeded(vendor.user.id));
    const listed = await until(
      async () =>
        (
          (await (await t.request("/webhook-endpoints", { token: vendor.access_token })).json()) as {
            data: Array<{ id: string; status: string; disabled_reason: string | null }>;
          }
        ).data,
      (d) => d[0]?.status === "disabled",
    );
    expect(listed[0]).toMatchObject({ id: endpoint.id, status: "disabled", disabled_reason: "failing" });
    const mails = await testDb.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, vendor.user.email));
    expect(mails.map((m) => m.template)).toContain("webhook_endpoint_disabled");
    // Disabled: the retry sends nothing and the delivery ends failed.
    const [log] = await until(
      () => deliveries(vendor),
      (d) => d[0]?.status === "failed",
      10_000,
    );
    expect(log?.status).toBe("failed");
    expect(r.received).toHaveLength(1);
  }, 20_000);

  test("loopback and private targets are refused unless allowed; http is refused in production", async () => {
    const strict = await buildApp(testDb, { webhooks: { allowPrivate: false } });
    const vendor = await register(strict, { role: "vendor" });
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://localhost:9/x",
      "http://[::1]:9/x",
      "http://169.254.169.254/latest",
      "http://10.0.0.1/x",
    ]) {
      const res = await strict.request("/webhook-endpoints", {
        token: vendor.access_token,
        json: { url, events: ["payment.succeeded"] },
      });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect((await errorOf(res)).code).toBe("invalid_url");
    }
    const production = await buildApp(testDb, { webhooks: { httpsOnly: true, allowPrivate: true } });
    const res = await production.request("/webhook-endpoints", {
      token: vendor.access_token,
      json: { url: "http://127.0.0.1:9/x", events: ["payment.succeeded"] },
    });
    expect(res.status).toBe(400);
  });

  test("API keys reach webhook routes only with webhooks scopes; customers have no endpoints", async () => {
    const vendor = await register(t, { role: "vendor" });
    const tokenFor = async (scopes: string[]) => {
      const key = (await (
        await t.request("/api-keys", { token: vendor.access_token, json: { name: "k", scopes } })
      ).json()) as { secret: string };
      return (
        (await (await t.request("/api-keys/token", { json: { api_key: key.secret } })).json()) as {
          access_token: string;
        }
      ).access_token;
    };
    const body = { url: "http://127.0.0.1:9/x", events: ["payment.succeeded"] };
    expect(
      (await t.request("/webhook-endpoints", { token: await tokenFor(["payments:read"]), json: body }))
        .status,
    ).toBe(403);
    expect(
      (await t.request("/webhook-endpoints", { token: await tokenFor(["webhooks:write"]), json: body }))
        .status,
    ).toBe(201);
    expect((await t.request("/webhook-endpoints", { token: await tokenFor(["webhooks:read"]) })).status).toBe(
      200,
    );
    const customer = await register(t);
    expect((await t.request("/webhook-endpoints", { token: customer.access_token, json: body })).status).toBe(
      403,
    );
  });
});
