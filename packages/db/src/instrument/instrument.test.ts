import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { initTracing, inSpan, OTHER_STATEMENT, Registry } from "@payments/service-kit";
import { parseExposition } from "@payments/service-kit/testing";
import { createTestDatabase, realServer, type TestDatabase } from "@payments/testing";
import { eq, sql } from "drizzle-orm";
import { notes } from "../../test-fixtures/schema.ts";
import { openDatabase } from "../database/database.ts";
import {
  captureLogger,
  FIXTURE_MIGRATIONS,
  type FixtureHandle,
  fixtureSchema,
} from "../database/test-support.ts";

/** Values that must never leave the process in a span: they only ever travel as statement parameters. */
const SECRET_BODY = "secret-body-7f3a9";
const SECRET_TAG = "secret-tag-c41e2";
const SECRET_CAST = "secret-cast-90bd1";

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ service: "payments", exporter });
  const registry = new Registry();
  const spans = async (): Promise<ReadableSpan[]> => {
    await tracing.provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, registry, spans, exporter };
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan | undefined): ReadableSpan[] {
  const id = parent?.spanContext().spanId;
  return spans
    .filter((span) => span.parentSpanContext?.spanId === id)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

/** Everything a span exporter would send of a span, as text. */
function exported(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
    links: span.links,
  });
}

function runInstrumentationSuite(kind: "pglite" | "postgres", url: () => Promise<string | undefined>) {
  const { tracing, registry, spans, exporter } = setup();
  let handle: FixtureHandle | undefined;
  // PGlite takes a while to start on a busy machine: opened once, before the tests and their timeouts.
  beforeAll(async () => {
    handle = await openDatabase({
      service: "payments",
      url: await url(),
      dataDir: "memory://",
      migrationsFolder: FIXTURE_MIGRATIONS,
      schema: fixtureSchema,
      logger: captureLogger().logger,
      poolSize: 2,
      tracer: tracing.tracer,
      registry,
    });
  }, 120_000);
  const open = async (): Promise<FixtureHandle> => {
    if (!handle) throw new Error("the database did not open");
    return handle;
  };
  afterAll(async () => {
    await handle?.close();
    await tracing.shutdown();
  });

  test(`${kind}: statements are spans under the operation, transactions group theirs, no value appears`, async () => {
    const { db } = await open();
    exporter.reset();
    await inSpan("note.write", { tracer: tracing.tracer }, async () => {
      await db.insert(notes).values({ body: SECRET_BODY, tag: "first" });
      const found = await db.select().from(notes).where(eq(notes.body, SECRET_BODY));
      expect(found).toHaveLength(1);
      await db.transaction(async (tx) => {
        await tx.insert(notes).values([{ body: "a" }, { body: "b" }]);
        await tx.update(notes).set({ tag: SECRET_TAG }).where(eq(notes.body, SECRET_BODY));
      });
    });
    const all = await spans();
    const [root] = all.filter((span) => span.name === "note.write");
    expect(root?.parentSpanContext).toBeUndefined();
    const top = childrenOf(all, root);
    expect(top.map((span) => span.name)).toEqual(["INSERT notes", "SELECT notes", "transaction"]);
    const inTransaction = childrenOf(all, top[2]);
    expect(inTransaction.map((span) => span.name)).toEqual(["INSERT notes", "UPDATE notes"]);
    expect(new Set(all.map((span) => span.spanContext().traceId)).size).toBe(1);

    const [insert, select] = top;
    expect(insert?.kind).toBe(SpanKind.CLIENT);
    expect(insert?.attributes).toMatchObject({
      "db.system.name": "postgresql",
      "db.operation.name": "INSERT",
      "db.collection.name": "notes",
      "db.query.summary": "INSERT notes",
      "db.response.affected_rows": 1,
    });
    expect(select?.attributes).toMatchObject({
      "db.operation.name": "SELECT",
      "db.response.returned_rows": 1,
    });
    expect(inTransaction[0]?.attributes["db.response.affected_rows"]).toBe(2);
    expect(inTransaction[1]?.attributes["db.response.affected_rows"]).toBe(1);
    expect(typeof insert?.attributes["db.namespace"]).toBe("string");
    for (const span of all) {
      expect(exported(span)).not.toContain(SECRET_BODY);
      expect(exported(span)).not.toContain(SECRET_TAG);
      // Neither the text nor the parameters are attributes.
      expect(Object.keys(span.attributes).some((key) => /query\.text|parameter|statement$/.test(key))).toBe(
        false,
      );
    }
    await db.delete(notes);
  });

  test(`${kind}: a failing statement records its SQLSTATE only, never the value in the message`, async () => {
    const { db } = await open();
    exporter.reset();
    const failing = inSpan("note.cast", { tracer: tracing.tracer }, () =>
      db.execute(sql`select ${SECRET_CAST}::int as n`),
    );
    // The driver's own message quotes the value: that is what must stay out of the spans.
    await expect(failing).rejects.toThrow(SECRET_CAST);
    const all = await spans();
    const statement = all.find((span) => span.name === "SELECT");
    expect(statement?.status).toEqual({ code: SpanStatusCode.ERROR, message: "SQLSTATE 22P02" });
    expect(statement?.attributes["error.type"]).toBe("22P02");
    const operation = all.find((span) => span.name === "note.cast");
    expect(operation?.status.code).toBe(SpanStatusCode.ERROR);
    for (const span of all) expect(exported(span)).not.toContain(SECRET_CAST);
  });

  test(`${kind}: statements outside a trace get no span but are timed by statement`, async () => {
    const { db } = await open();
    exporter.reset();
    await db.insert(notes).values({ body: "untraced" });
    await db.select().from(notes);
    expect(await spans()).toHaveLength(0);
    const [histogram] = parseExposition(await registry.metrics()).filter(
      (family) => family.name === "db_query_duration_seconds",
    );
    expect(histogram?.type).toBe("histogram");
    const counts = Object.fromEntries(
      (histogram?.samples ?? [])
        .filter((sample) => sample.name === "db_query_duration_seconds_count")
        .map((sample) => [sample.labels.statement, sample.value]),
    );
    // Earlier tests of this suite ran two INSERT notes and one SELECT notes each, plus these.
    expect(counts["INSERT notes"]).toBeGreaterThanOrEqual(3);
    expect(counts["SELECT notes"]).toBeGreaterThanOrEqual(2);
    for (const label of Object.keys(counts)) {
      expect(label).not.toContain(SECRET_BODY);
      expect(label).not.toBe(OTHER_STATEMENT);
    }
    await db.delete(notes);
  });
}

describe("statement spans and durations: PGlite", () => {
  runInstrumentationSuite("pglite", async () => undefined);
});

const postgresUrl = realServer("postgres");
describe.skipIf(!postgresUrl)("statement spans and durations: Postgres (postgres.js)", () => {
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
  });
  runInstrumentationSuite("postgres", async () => {
    if (!postgresUrl) throw new Error("unreachable: the suite is skipped without a server");
    database = await createTestDatabase(postgresUrl, "instr");
    return database.url;
  });
});
