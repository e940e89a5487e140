import { afterAll, beforeAll, expect, test } from "bun:test";
import { createMailTransport, enqueueMail, type MailRelay, startMailRelay } from "@payments/mail";
import { startTestSmtpServer, type TestSmtpServer } from "@payments/mail/testing";
import { createLogger } from "@payments/service-kit";
import { isNotNull } from "drizzle-orm";
import { mailOutbox } from "../src/db/schema.ts";
import { openTestDb, type TestDb } from "./support.ts";

/**
 * A backlog of mail (the embedded default writes two notices per payment, and a soak once piled up 34,000)
 * must be sent a batch at a time. The claim used to be `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE
 * SKIP LOCKED)`: on a table without statistics (PGlite has no autovacuum of its own; a fresh Postgres table
 * has none either) the planner ran the subquery once per row of a nested loop, each run taking the next rows,
 * so one claim leased the whole backlog, held the embedded database for minutes and returned every body.
 */
let testDb: TestDb;
let smtp: TestSmtpServer;
let relay: MailRelay | undefined;
let release = () => {};
const BACKLOG = 300;
const BATCH = 20;

beforeAll(async () => {
  testDb = await openTestDb();
  smtp = await startTestSmtpServer();
}, 120_000);
afterAll(async () => {
  release();
  await relay?.stop();
  await smtp.stop();
  await testDb.close();
});

test("a claim leases one batch of a backlog, and the backlog is then sent exactly once", async () => {
  for (let i = 0; i < BACKLOG; i++) {
    await enqueueMail(testDb.db, {
      to: `backlog-${i}@example.com`,
      template: "verify_email",
      locale: "en",
      vars: { name: `Reader ${i}`, link: `https://pay.example.test/account/verify?token=t${i}`, hours: 24 },
    });
  }
  // The server takes the first message and does not answer: the relay has claimed and waits on one send.
  release = smtp.hold();
  relay = startMailRelay({
    db: testDb.db,
    transport: createMailTransport({
      smtpUrl: smtp.url,
      mailboxDir: "/nonexistent",
      connectTimeoutSeconds: 5,
    }),
    from: "Payments <no-reply@pay.example.test>",
    logger: createLogger({ service: "auth", level: "silent" }),
    pollIntervalMs: 50,
    batchSize: BATCH,
  });
  await smtp.waitFor(1);
  const leased = await testDb.db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(isNotNull(mailOutbox.leaseUntil));
  expect(leased.length).toBe(BATCH);

  release();
  const received = await smtp.waitFor(BACKLOG, 60_000);
  await relay.flush();
  const ids = received.map((m) => m.messageId);
  expect(ids.length).toBe(BACKLOG);
  expect(new Set(ids).size).toBe(BACKLOG);
  const unsent = (await testDb.db.select().from(mailOutbox)).filter((r) => r.sentAt === null);
  expect(unsent).toEqual([]);
}, 120_000);
