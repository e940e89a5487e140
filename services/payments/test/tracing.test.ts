import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { initTracing, type Tracing } from "@payments/service-kit";
import { adapters, type Harness, harnessOnTestDb, type TestUser } from "./support.ts";

/** A description only ever sent as a statement parameter: it must not reach any span. */
const SECRET = "secret-description-5be0c";

let tracing: Tracing;
const exporter = new InMemorySpanExporter();
let h: Harness;
let close: () => Promise<void>;
let payer: TestUser;
let payee: TestUser;

beforeAll(async () => {
  tracing = initTracing({ service: "payments", exporter });
  ({ h, close } = await harnessOnTestDb({ tracer: tracing.tracer }));
  payer = await h.user("customer");
  payee = await h.user("vendor");
}, 120_000);

afterAll(async () => {
  await close();
  await tracing.shutdown();
});

/** Forgets the spans so far, buffered ones included (the batch processor holds spans until a flush). */
async function resetSpans(): Promise<void> {
  await tracing.provider.forceFlush();
  exporter.reset();
}

async function finished(): Promise<ReadableSpan[]> {
  await tracing.provider.forceFlush();
  return exporter.getFinishedSpans();
}

const idOf = (span: ReadableSpan | undefined) => span?.spanContext().spanId;
const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

/** The spans whose parent is `parent`, by start time. */
function childrenOf(spans: ReadableSpan[], parent: ReadableSpan | undefined): ReadableSpan[] {
  return spans
    .filter((span) => parentOf(span) === idOf(parent))
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

describe(`one trace from the request to the settled payment (${adapters})`, () => {
  test("request → payment.create → SQL; its event → process → transitions → SQL, in one tree", async () => {
    await resetSpans();
    const res = await h.request("/", {
      json: { payee_id: payee.id, amount: 1250, currency: "usd", description: SECRET },
      token: payer.token,
      key: crypto.randomUUID(),
    });
    expect(res.status).toBe(201);
    await h.drain();

    const all = await finished();
    const server = only(
      all.filter((span) => span.kind === SpanKind.SERVER),
      "POST /",
    );
    const traceId = server.spanContext().traceId;
    const trace = all.filter((span) => span.spanContext().traceId === traceId);

    // Every span of the trace hangs off another one of it: a single tree under the request.
    const ids = new Set(trace.map(idOf));
    for (const span of trace) if (span !== server) expect(ids.has(parentOf(span))).toBe(true);

    const create = only(childrenOf(trace, server), "payment.create");
    expect(create.attributes).toMatchObject({ "payment.currency": "usd", "idempotency.replayed": false });
    const createSql = childrenOf(trace, create).filter((span) => span.kind === SpanKind.CLIENT);
    // The one-statement create (ADR 0004), named by its leading comment.
    expect(createSql.map((span) => span.name)).toContain("payments_create");
    for (const span of createSql) expect(span.attributes["db.system.name"]).toBe("postgresql");

    // The worker's delivery continues the trace: its parent is the operation that wrote the event.
    const process = only(trace, "process payment.created");
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(process)).toBe(idOf(create));
    expect(process.resource.attributes["service.name"]).toBe("payments");
    const transitions = trace.filter((span) => span.name === "payment.transition");
    expect(
      transitions.map(
        (span) => `${span.attributes["payment.transition.from"]}→${span.attributes["payment.transition.to"]}`,
      ),
    ).toEqual(["pending→processing", "processing→succeeded"]);
    for (const transition of transitions) {
      expect(transition.attributes["payment.transition.applied"]).toBe(true);
      const statements = childrenOf(trace, transition);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) expect(statement.attributes["db.system.name"]).toBe("postgresql");
    }
    expect(childrenOf(trace, transitions[0]).map((span) => span.name)).toContain("payments_start_processing");
    const charge = only(trace, "payment.charge");
    expect(parentOf(transitions[1])).toBe(idOf(charge));

    for (const span of all) {
      const exported = JSON.stringify({ n: span.name, a: span.attributes, e: span.events, s: span.status });
      expect(exported).not.toContain(SECRET);
    }
  });

  test("the relay's batch is a span of its own, linked to the request traces it published", async () => {
    await resetSpans();
    const res = await h.request("/", {
      json: { payee_id: payee.id, amount: 990, currency: "eur" },
      token: payer.token,
      key: crypto.randomUUID(),
    });
    expect(res.status).toBe(201);
    await h.drain();
    const all = await finished();
    const traceId = only(
      all.filter((span) => span.kind === SpanKind.SERVER),
      "POST /",
    ).spanContext().traceId;
    const batches = all.filter((span) => span.name === "outbox.relay_batch");
    const linked = batches.filter((batch) => batch.links.some((link) => link.context.traceId === traceId));
    // payment.created, then payment.processing and payment.succeeded written by the worker in that trace.
    expect(linked.length).toBeGreaterThanOrEqual(1);
    expect(
      linked.reduce((n, batch) => n + Number(batch.attributes["messaging.batch.message_count"]), 0),
    ).toBe(3);
    for (const batch of linked) {
      expect(batch.parentSpanContext).toBeUndefined();
      // The batch's own statements (marking rows published) are its children.
      expect(childrenOf(all, batch).map((span) => span.name)).toContain("UPDATE outbox");
    }
  });

  test("a replayed create is a payment.create span marked replayed", async () => {
    const key = crypto.randomUUID();
    const body = { payee_id: payee.id, amount: 500, currency: "usd" };
    expect((await h.request("/", { json: body, token: payer.token, key })).status).toBe(201);
    await resetSpans();
    expect((await h.request("/", { json: body, token: payer.token, key })).status).toBe(201);
    const create = only(await finished(), "payment.create");
    expect(create.attributes["idempotency.replayed"]).toBe(true);
  });
});
