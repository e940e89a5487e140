/**
 * Webhooks benchmark (issue 23; not a timed test): deliveries per second to a local receiver. The auth service
 * (which hosts webhooks, docs/adr/0034) runs as its own process on a fresh Postgres database and a RabbitMQ
 * vhost of its own; a vendor registers and adds an endpoint through HTTP; the bench publishes
 * `payment.succeeded` events naming that vendor to the `events` exchange, as payments' outbox relay would, and
 * counts the signed POSTs its receiver (Bun.serve, answering 200) gets until every event arrived.
 *
 * The floor, in the same run: the same receiver POSTed the same-size bodies by as many concurrent senders as
 * the worker uses (16), with nothing else in the way: what the receiver and the loopback allow. The ratio says
 * what the bus, the inbox, the delivery rows, signing and the attempt log cost on top. Public surfaces only:
 * the bus and HTTP. Run: `bun bench/webhooks/index.ts` (POSTGRES_URL and RABBITMQ_URL required; EVENTS=2000).
 */
import { join } from "node:path";
import { createEvent, newId } from "@payments/contracts";
import { createTestDatabase, freePort, realServer } from "@payments/testing";
import { SQL } from "bun";
import { privateVhost } from "../../infra/test/support/platform.ts";
import { createRabbitBus } from "../../packages/events/src/index.ts";
import { textTable } from "../lib/text-table.ts";

const EVENTS = Number(process.env.EVENTS ?? 2_000);
const CONCURRENCY = 16;
const root = join(import.meta.dir, "../..");

const postgresUrl = realServer("postgres");
const rabbitUrl = realServer("rabbitmq");
if (!postgresUrl || !rabbitUrl) throw new Error("bench/webhooks needs POSTGRES_URL and RABBITMQ_URL");

let received = 0;
let lastBody = "";
const receiver = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    lastBody = await req.text();
    received++;
    return new Response("ok");
  },
});
const receiverUrl = `http://127.0.0.1:${receiver.port}/hooks`;

function events(vendorId: string, n: number) {
  return Array.from({ length: n }, () => {
    const id = newId("pay");
    const at = new Date().toISOString();
    return createEvent({
      type: "payment.succeeded",
      producer: "payments",
      subject: id,
      data: {
        id,
        payer_id: newId("usr"),
        payee_id: vendorId as `usr_${string}`,
        amount: 1_000,
        currency: "usd",
        status: "succeeded",
        amount_refunded: 0,
        created_at: at,
        updated_at: at,
      },
    });
  });
}

/** Delivery rows the consumer wrote (read from the service's database, to tell the two halves apart). */
async function deliveryRows(): Promise<number> {
  const [row] = await sql`SELECT count(*)::int AS n FROM webhook_deliveries`;
  return (row as { n: number }).n;
}

/** Events/s turned into delivery rows (the consumer), and deliveries/s answered 2xx (the whole path). */
async function delivered(busUrl: string, vendorId: string): Promise<{ enqueued: number; delivered: number }> {
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const bus = createRabbitBus({ url: busUrl, logger: quiet, service: "bench" });
  // On a busy machine the first connection can take longer than the publisher waits: connect first.
  for (let i = 0; ; i++) {
    const up = await bus.probe.run().then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i > 300) throw new Error("RabbitMQ did not answer in 30 s");
    await Bun.sleep(100);
  }
  const batch = events(vendorId, EVENTS);
  const before = received;
  const rowsBefore = await deliveryRows();
  const started = performance.now();
  await Promise.all(batch.map((e) => bus.publish(e)));
  let enqueuedAt: number | undefined;
  while (received - before < EVENTS) {
    if (enqueuedAt === undefined && (await deliveryRows()) - rowsBefore >= EVENTS)
      enqueuedAt = performance.now();
    await Bun.sleep(20);
  }
  const end = performance.now();
  await bus.close();
  return {
    enqueued: EVENTS / (((enqueuedAt ?? end) - started) / 1000),
    delivered: EVENTS / ((end - started) / 1000),
  };
}

/** The receiver alone: same-size signed-looking bodies from 16 concurrent senders. */
async function floor(): Promise<number> {
  const body = lastBody || "x".repeat(400);
  let next = 0;
  const started = performance.now();
  const sender = async () => {
    for (let i = next++; i < EVENTS; i = next++) {
      const res = await fetch(receiverUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": `evt_${i}`,
          "webhook-signature": "v1,x",
        },
        body,
      });
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  return EVENTS / ((performance.now() - started) / 1000);
}

const db = await createTestDatabase(postgresUrl, "bench_webhooks");
const sql = new SQL(db.url, { max: 2 });
// A vhost of the bench's own: the platform's queues on `/` may have other consumers.
const vhost = await privateVhost(rabbitUrl);
const busUrl = vhost.url;
const port = await freePort();
const service = Bun.spawn(["bun", join(root, "services/auth/src/server.ts")], {
  env: {
    ...process.env,
    AUTH_PORT: String(port),
    AUTH_DATABASE_URL: db.url,
    RABBITMQ_URL: busUrl,
    LOG_LEVEL: "warn",
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: "true",
    AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
  },
  stdout: "ignore",
  stderr: "inherit",
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error("the auth service did not become ready in 60 s");
    await Bun.sleep(100);
  }
  const reg = await fetch(`${base}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `bench-${newId("usr").slice(4)}@example.com`,
      password: "correct horse battery staple bench",
      name: "Bench vendor",
      role: "vendor",
    }),
  });
  const signedIn = (await reg.json()) as { user: { id: string }; access_token: string };
  const created = await fetch(`${base}/webhook-endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${signedIn.access_token}` },
    body: JSON.stringify({ url: receiverUrl, events: ["payment.succeeded"] }),
  });
  if (created.status !== 201)
    throw new Error(`endpoint not created: ${created.status} ${await created.text()}`);
  // Warm-up (connections, JIT), then alternate the service and the floor: noise only slows a run.
  await delivered(busUrl, signedIn.user.id);
  const rounds: Array<{ enqueued: number; webhooks: number; floor: number }> = [];
  for (let r = 0; r < 2; r++) {
    const run = await delivered(busUrl, signedIn.user.id);
    rounds.push({ enqueued: run.enqueued, webhooks: run.delivered, floor: await floor() });
  }
  const best = (k: "enqueued" | "webhooks" | "floor") => Math.max(...rounds.map((x) => x[k]));
  console.log(
    textTable(
      ["figure", "per second", "floor (receiver alone, 16 senders)", "ratio"],
      [
        [
          `payment.succeeded → signed POST answered 2xx (${EVENTS} events, 1 endpoint)`,
          best("webhooks").toFixed(0),
          best("floor").toFixed(0),
          (best("webhooks") / best("floor")).toFixed(3),
        ],
        ["  of which: events → delivery rows (the consumer alone)", best("enqueued").toFixed(0), "", ""],
      ],
    ),
  );
  const [load] = (await Bun.file("/proc/loadavg").text()).split(" ");
  console.log(`load average at the end: ${load} on ${navigator.hardwareConcurrency} cores`);
  console.log(JSON.stringify({ events: EVENTS, rounds }));
} finally {
  service.kill();
  await service.exited;
  await sql.close();
  await db.drop();
  receiver.stop(true);
  await vhost.drop().catch(() => {});
}
