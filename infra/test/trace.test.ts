/**
 * End-to-end tracing (ARCHITECTURE §9, issue 8): one trace id from the browser's request through the
 * gateway, the payments service, its outbox relay, RabbitMQ, the consumers and the WebSocket push. The whole
 * platform runs as `bun run start` does, on the real broker (a private vhost) and Postgres, exporting spans
 * by OTLP/HTTP to a receiver written for this test; the test makes a payment as a browser would and checks
 * that the spans form one tree across services with the right parents.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCI, realServer } from "@payments/testing";
import { type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from "./support/otlp.ts";
import { type Platform, startPlatform } from "./support/platform.ts";

const rabbitmqUrl = realServer("rabbitmq");
const postgresUrl = realServer("postgres");
const PASSWORD = "Trace-the-payment-41!";

const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

interface Registered {
  user: { id: string };
  access_token: string;
}

describe.if(Boolean(rabbitmqUrl) || isCI)("one trace from the browser to the WebSocket push", () => {
  const receiver = startOtlpReceiver();
  let platform: Platform | undefined;
  let gateway = "";
  // The "browser": its request span is the root of the trace.
  const traceId = hex(16);
  const browserSpanId = hex(8);
  let spans: ReceivedSpan[] = [];
  let pushed: { type: string; event: { type: string; traceparent?: string } } | undefined;
  // Only ever a statement parameter: it must appear in no span.
  const idempotencyKey = `trace-${hex(8)}`;
  const mailbox = mkdtempSync(join(tmpdir(), "trace-mailbox-"));

  /** The token of the verification mail to `email` in the development mailbox (docs/adr/0017). */
  async function verificationToken(email: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      for (const name of readdirSync(mailbox).filter((n) => n.endsWith(".json"))) {
        const mail = JSON.parse(readFileSync(join(mailbox, name), "utf8")) as {
          to?: string;
          links?: string[];
        };
        const link =
          mail.to === email ? mail.links?.find((l) => new URL(l).pathname === "/account/verify") : undefined;
        const token = link ? new URL(link).searchParams.get("token") : null;
        if (token) return token;
      }
      if (Date.now() > deadline) throw new Error(`no verification mail to ${email}`);
      await Bun.sleep(100);
    }
  }

  /** Registers and confirms the address (unverified accounts can neither pay nor be paid). */
  async function register(role: "customer" | "vendor"): Promise<Registered> {
    const email = `${role}-${hex(4)}@trace.test`;
    const res = await fetch(`${gateway}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, name: `Trace ${role}`, role }),
    });
    expect(res.status).toBe(201);
    const verified = await fetch(`${gateway}/api/auth/email/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: await verificationToken(email) }),
    });
    expect(verified.status).toBe(200);
    return (await res.json()) as Registered;
  }

  beforeAll(async () => {
    platform = await startPlatform({
      postgresUrl,
      rabbitmqUrl,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "200",
        MAILBOX_DIR: mailbox,
      },
    });
    gateway = platform.urls.get("gateway") ?? "";
    const vendor = await register("vendor");
    const customer = await register("customer");

    const ticket = await fetch(`${gateway}/api/realtime/ticket`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.access_token}` },
    });
    const { ticket: value } = (await ticket.json()) as { ticket: string };
    const ws = new WebSocket(`${gateway.replace("http", "ws")}/ws?ticket=${value}`);
    const push = new Promise<typeof pushed>((resolve, reject) => {
      ws.onmessage = (m) => {
        const message = JSON.parse(String(m.data)) as NonNullable<typeof pushed>;
        if (message.event?.type === "payment.created") resolve(message);
      };
      ws.onerror = () => reject(new Error("WebSocket failed"));
    });
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      setTimeout(() => reject(new Error("WebSocket did not open")), 10_000);
    });

    // The payments service hears of both users and their verification through events: wait until it has,
    // with a request outside the traced one (a refusal is not what this trace is about).
    const waitUntil = Date.now() + 20_000;
    for (;;) {
      const probe = await fetch(`${gateway}/api/payments/payees?query=Trace`, {
        headers: { authorization: `Bearer ${customer.access_token}` },
      });
      const body = (await probe.json().catch(() => ({}))) as { data?: Array<{ id: string }> };
      if (body.data?.some((p) => p.id === vendor.user.id) || Date.now() > waitUntil) break;
      await Bun.sleep(150);
    }
    const pay = () =>
      fetch(`${gateway}/api/payments`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${customer.access_token}`,
          "idempotency-key": idempotencyKey,
          traceparent: `00-${traceId}-${browserSpanId}-01`,
        },
        body: JSON.stringify({ payee_id: vendor.user.id, amount: 1999, currency: "usd" }),
      });
    let created = await pay();
    // The payer's verification may still be on its way to the payments read model.
    for (let i = 0; i < 40 && created.status === 403; i++) {
      await Bun.sleep(150);
      created = await pay();
    }
    expect(created.status).toBe(201);
    pushed = await Promise.race([
      push,
      Bun.sleep(20_000).then(() => {
        throw new Error("no payment.created pushed over the WebSocket");
      }),
    ]);
    ws.close();
    // Spans arrive in batches from several exporters; wait (bounded) until the tree the assertions below
    // judge is complete: payment.created consumed by payments, admin and this gateway, and no span whose
    // parent has not arrived. If it never completes, the assertions report what did arrive.
    const mine = (all: ReceivedSpan[]) => all.filter((s) => s.traceId === traceId);
    const complete = (all: ReceivedSpan[]) => {
      const trace = mine(all);
      const ids = new Set(trace.map((s) => s.spanId));
      const publish = trace.find(
        (s) => s.kind === SPAN_KIND.producer && s.name === "publish payment.created",
      );
      const queues = trace
        .filter((s) => s.kind === SPAN_KIND.consumer && s.parentSpanId === publish?.spanId)
        .map((s) => String(s.attributes["messaging.consumer.group.name"]));
      const orphans = trace.some((s) => s.parentSpanId !== browserSpanId && !ids.has(s.parentSpanId));
      return (
        ["gateway", "payments"].every((svc) => trace.some((s) => s.service === svc)) &&
        queues.includes("payments") &&
        queues.includes("admin") &&
        queues.some((q) => q.startsWith("gateway.")) &&
        !orphans
      );
    };
    spans = await receiver.waitFor(complete, 30_000).catch(() => receiver.spans);
    spans = spans.filter((s) => s.traceId === traceId);
  }, 240_000);

  afterAll(async () => {
    expect(await platform?.stop()).toBe(0);
    receiver.stop();
    rmSync(mailbox, { recursive: true, force: true });
  }, 60_000);

  const byId = () => new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: ReceivedSpan | undefined) => (s ? byId().get(s.parentSpanId) : undefined);
  const describeSpans = () =>
    spans.map((s) => `${s.service}/${s.kind}/${s.name} ${s.spanId}<-${s.parentSpanId}`);

  it("pushes the payment over the WebSocket carrying the trace in the event", () => {
    expect(pushed?.event.type).toBe("payment.created");
    expect(pushed?.event.traceparent).toContain(traceId);
  });

  it("starts at the gateway, as a child of the browser's span", () => {
    const root = spans.find((s) => s.parentSpanId === browserSpanId);
    expect(root?.service).toBe("gateway");
    expect(root?.kind).toBe(SPAN_KIND.server);
  });

  it("reaches the payments service under the gateway's span", () => {
    const server = spans.find((s) => s.service === "payments" && s.kind === SPAN_KIND.server);
    expect(parentOf(server)?.service).toBe("gateway");
  });

  // The bus records `publish <type>` / `process <type>` with the process's shared tracer (packages/platform)
  // and the gateway's hub spans each fan-out, so the tree continues through the broker to the socket.
  it("publishes payment.created (outbox relay → RabbitMQ) under the payments request", () => {
    const publish = spans.find((s) => s.kind === SPAN_KIND.producer && s.name === "publish payment.created");
    expect(publish, describeSpans().join("\n")).toBeDefined();
    let up = parentOf(publish);
    while (up && !(up.service === "payments" && up.kind === SPAN_KIND.server)) up = parentOf(up);
    expect(up?.service).toBe("payments");
  });

  it("consumes it under the publish span in every consuming queue, and the gateway pushes it", () => {
    const publish = spans.find((s) => s.kind === SPAN_KIND.producer && s.name === "publish payment.created");
    const consumers = spans.filter(
      (s) => s.kind === SPAN_KIND.consumer && s.parentSpanId === publish?.spanId,
    );
    // payment.created is consumed by payments (settlement), admin (audit) and this gateway's own queue.
    const queues = consumers.map((s) => String(s.attributes["messaging.consumer.group.name"]));
    expect(queues, describeSpans().join("\n")).toEqual(
      expect.arrayContaining(["payments", "admin", expect.stringMatching(/^gateway\./)]),
    );
    const push = spans.find(
      (s) => s.service === "gateway" && consumers.some((c) => c.spanId === s.parentSpanId),
    );
    expect(push, describeSpans().join("\n")).toBeDefined();
  });

  it("has the request's use case and its SQL statements in the tree, with no parameter value in any span", () => {
    const create = spans.find((s) => s.service === "payments" && s.name === "payment.create");
    expect(parentOf(create)?.kind, describeSpans().join("\n")).toBe(SPAN_KIND.server);
    const statements = spans.filter(
      (s) => s.service === "payments" && s.attributes["db.system.name"] === "postgresql",
    );
    expect(statements.length, describeSpans().join("\n")).toBeGreaterThan(0);
    for (const statement of statements) expect(statement.kind).toBe(SPAN_KIND.client);
    expect(JSON.stringify(spans)).not.toContain(idempotencyKey);
  });

  it("forms one tree: every span's parent is in the trace, back to the browser's span", () => {
    const ids = byId();
    expect([...new Set(spans.map((s) => s.service))]).toEqual(
      expect.arrayContaining(["gateway", "payments"]),
    );
    expect(spans.length).toBeGreaterThanOrEqual(2);
    const orphans = spans.filter((s) => s.parentSpanId !== browserSpanId && !ids.has(s.parentSpanId));
    expect(orphans.map((s) => `${s.service}/${s.name}`)).toEqual([]);
  });
});
