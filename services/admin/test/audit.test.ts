import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type EventEnvelope, newId } from "@payments/contracts";
import type { AuditEntryView } from "@payments/contracts/http";
import { count, eq } from "drizzle-orm";
import { auditLog, inbox } from "../src/db/schema.ts";
import {
  adapters,
  buildAdmin,
  errorOf,
  makeEvent,
  openTestDb,
  type TestAdmin,
  type TestDb,
  traceparent,
} from "./support.ts";

type Entry = AuditEntryView;
type ListBody = { data: Entry[]; has_more: boolean };

let testDb: TestDb;
let t: TestAdmin;
let token: string;
const list = async (query: string): Promise<ListBody> => {
  const res = await t.request(`/audit-logs${query}`, { token });
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`);
  return (await res.json()) as ListBody;
};

// One payment's life under one trace, plus a user's events under another.
const payer = newId("usr");
const payee = newId("usr");
const payTrace = traceparent();
const payment = { payer_id: payer, payee_id: payee, amount: 1999, currency: "usd" } as const;
const created = makeEvent("payment.created", { ...payment }, { traceparent: payTrace });
const paymentId = (created.data as { id: string }).id;
const processing = makeEvent(
  "payment.processing",
  { ...payment, id: paymentId as `pay_${string}` },
  { traceparent: payTrace },
);
const succeeded = makeEvent(
  "payment.succeeded",
  { ...payment, id: paymentId as `pay_${string}` },
  { traceparent: payTrace },
);
const registered = makeEvent("user.registered", { id: payer }, { traceparent: traceparent() });
const admin = newId("usr");
const roleChanged = makeEvent("user.role_changed", { id: payee, changed_by: admin });

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
  token = await t.token("admin");
  // Delivered out of order: the log still lists them in the order they were created.
  await t.deliver(succeeded, registered, created, roleChanged, processing);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

describe(`audit log from events (${adapters})`, () => {
  test("every event is one row with envelope, actor, subject and trace id; newest first by creation", async () => {
    const { data } = await list("");
    const expected = [created, processing, succeeded, registered, roleChanged].reverse();
    expect(data.map((e) => e.event_id)).toEqual(expected.map((e) => e.id));
    const byId = new Map(data.map((e) => [e.event_id, e]));
    expect(byId.get(created.id)).toMatchObject({
      type: "payment.created",
      subject: paymentId,
      actor_id: payer,
      trace_id: payTrace.split("-")[1],
      event: { data: created.data },
    });
    expect(byId.get(succeeded.id)?.actor_id).toBeNull();
    expect(byId.get(roleChanged.id)?.actor_id).toBe(admin);
    expect(byId.get(registered.id)?.actor_id).toBe(payer);
  });

  test("a replayed event (same id) creates no second row and counts nothing twice", async () => {
    const before = await testDb.db.select({ n: count() }).from(auditLog);
    await t.deliver(created, created, succeeded);
    const after = await testDb.db.select({ n: count() }).from(auditLog);
    expect(after[0]?.n).toBe(before[0]?.n ?? -1);
    const rows = await testDb.db.select().from(auditLog).where(eq(auditLog.eventId, created.id));
    expect(rows).toHaveLength(1);
    const dashboard = (await (await t.request("/dashboard", { token })).json()) as {
      payments: { by_status: Array<{ status: string; count: number }> };
    };
    expect(dashboard.payments.by_status).toEqual([
      expect.objectContaining({ status: "succeeded", count: 1 }),
    ]);
  });

  test("an event whose inbox row was pruned is still not logged twice (unique event id)", async () => {
    await testDb.db.delete(inbox).where(eq(inbox.eventId, registered.id));
    await t.deliver(registered);
    const rows = await testDb.db.select().from(auditLog).where(eq(auditLog.eventId, registered.id));
    expect(rows).toHaveLength(1);
  });

  test("filters: type prefix, subject, actor, trace id; LIKE wildcards are literal", async () => {
    expect((await list("?type=payment.")).data.map((e) => e.event_id)).toEqual(
      [succeeded, processing, created].map((e) => e.id),
    );
    expect((await list("?type=payment.created")).data.map((e) => e.event_id)).toEqual([created.id]);
    expect((await list("?type=user")).data.map((e) => e.type).sort()).toEqual([
      "user.registered",
      "user.role_changed",
    ]);
    expect((await list("?type=user_")).data).toEqual([]);
    expect((await list(`?subject=${paymentId}`)).data).toHaveLength(3);
    expect((await list(`?actor_id=${admin}`)).data.map((e) => e.event_id)).toEqual([roleChanged.id]);
    const trace = (await list(`?trace_id=${payTrace.split("-")[1]}`)).data;
    expect(trace.map((e) => e.type)).toEqual(["payment.succeeded", "payment.processing", "payment.created"]);
  });

  test("time range: from inclusive, to exclusive, dates or date-times", async () => {
    const at = new Date(created.occurred_at);
    const inRange = await list(`?from=${encodeURIComponent(created.occurred_at)}&type=payment.created`);
    expect(inRange.data).toHaveLength(1);
    const before = await list(`?to=${encodeURIComponent(created.occurred_at)}&type=payment.created`);
    expect(before.data).toHaveLength(0);
    const tomorrow = new Date(at.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect((await list(`?from=${tomorrow}`)).data).toHaveLength(0);
    expect((await list(`?to=${tomorrow}`)).data.length).toBeGreaterThanOrEqual(5);
  });

  test("cursor pagination both ways, newest first", async () => {
    const all = (await list("?limit=100")).data.map((e) => e.id);
    const page1 = await list("?limit=2");
    expect(page1.data.map((e) => e.id)).toEqual(all.slice(0, 2));
    expect(page1.has_more).toBe(true);
    const page2 = await list(`?limit=2&starting_after=${page1.data[1]?.id}`);
    expect(page2.data.map((e) => e.id)).toEqual(all.slice(2, 4));
    const back = await list(`?limit=2&ending_before=${page2.data[0]?.id}`);
    expect(back.data.map((e) => e.id)).toEqual(all.slice(0, 2));
    const last = await list(`?limit=100&starting_after=${all.at(-2)}`);
    expect(last.has_more).toBe(false);
    expect(last.data.map((e) => e.id)).toEqual(all.slice(-1));
  });

  const BAD: Array<[string, string]> = [
    ["from=yesterday", "from"],
    ["to=2024-13-40", "to"],
    ["from=2024-02-30", "from"],
    ["from=2025-01-02&to=2025-01-01", "from"],
    ["starting_after=42", "starting_after"],
    ["ending_before=pay_01jabcdefghjkmnpqrstvwxyz0", "ending_before"],
    [`starting_after=${newId("aud")}&ending_before=${newId("aud")}`, "ending_before"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["type=Payment.*", "type"],
    ["trace_id=xyz", "trace_id"],
    ["actor_id=admin", "actor_id"],
    ["actor=usr_x", "actor"],
  ];
  for (const [query, param] of BAD) {
    test(`bad query ${query} → 400 naming ${param}`, async () => {
      const res = await t.request(`/audit-logs?${query}`, { token });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.type).toBe("invalid_request");
      expect(error.param).toBe(param);
      const csv = await t.request(`/audit-logs.csv?${query}`, { token });
      // The export takes the same filters (not the cursors or limit, which it refuses as unknown).
      expect(csv.status).toBe(400);
    });
  }
});

describe(`CSV export (${adapters})`, () => {
  let small: TestAdmin;
  const subject = newId("usr");
  const events: EventEnvelope[] = [];
  beforeAll(async () => {
    small = await buildAdmin(testDb, { csvBatchSize: 4 });
    for (let i = 0; i < 10; i++) {
      events.push(
        makeEvent("user.updated", {
          id: subject,
          name: i === 0 ? '=HYPERLINK("http://evil","x"), "quoted"' : `User ${i}`,
          changed: ["name"],
        }),
      );
    }
    await small.deliver(...events);
  });
  afterAll(() => small.close());

  test("streams the filtered log newest first in batches; header, quoting and formula cells are safe", async () => {
    const res = await small.request(`/audit-logs.csv?subject=${subject}`, {
      token: await small.token("admin"),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-.*\.csv"$/);
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value));
    }
    // Header, then batches of at most 4 rows each: the export never read the 10 rows at once.
    expect(chunks[0]).toStartWith("id,occurred_at,type,version,producer,subject,actor_id,trace_id,event_id");
    const rowCounts = chunks.slice(1).map((c) => c.split("\r\n").filter(Boolean).length);
    expect(rowCounts).toEqual([4, 4, 2]);
    const text = chunks.join("");
    const ids = [...text.matchAll(/^(aud_[0-9a-z]{26}),/gm)].map((m) => m[1]);
    expect(ids).toEqual([...events].reverse().map((e) => `aud_${e.id.slice(4)}`));
    // The JSON data cell starts with `{`, so it is quoted, not prefixed; the name inside is harmless there.
    expect(text).toContain('"{""id"":');
  });

  test("a cell that starts with = + - @ is prefixed with an apostrophe", async () => {
    const hostile = makeEvent("session.revoked", {}, { subject: "=cmd|' /C calc'!A0" });
    await small.deliver(hostile);
    const text = await (
      await small.request("/audit-logs.csv?type=session.", { token: await small.token("admin") })
    ).text();
    expect(text).toContain(",'=cmd|' /C calc'!A0,");
    expect(text).not.toMatch(/,=cmd/);
  });
});
