import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMailTransport, type MailRelay, startMailRelay } from "@payments/mail";
import { startTestSmtpServer, type TestSmtpServer } from "@payments/mail/testing";
import { createLogger } from "@payments/service-kit";
import { mailOutbox } from "../src/db/schema.ts";
import { devMailboxDirFor } from "../src/mail-setup.ts";
import { tokenIn } from "./mail-support.ts";
import { adapters, buildApp, ORIGIN, openTestDb, register, type TestApp, type TestDb } from "./support.ts";

let testDb: TestDb;
let t: TestApp;
let smtp: TestSmtpServer;
let relay: MailRelay;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  smtp = await startTestSmtpServer();
  relay = startMailRelay({
    db: testDb.db,
    transport: createMailTransport({
      smtpUrl: smtp.url,
      mailboxDir: "/nonexistent",
      connectTimeoutSeconds: 2,
    }),
    from: "Payments <no-reply@pay.example.test>",
    logger: createLogger({ service: "auth", level: "silent" }),
    pollIntervalMs: 50,
    retryBaseMs: 50,
    retryMaxMs: 300,
  });
}, 120_000);
afterAll(async () => {
  await relay.stop();
  await smtp.stop();
  await testDb.close();
});

/** The text/plain part of a raw MIME message, quoted-printable decoded. */
function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[\s\S]*?\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(raw)?.[1] ?? raw;
  return part
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

describe(`mail leaves through the outbox to a real SMTP server (${adapters})`, () => {
  test("SMTP down: requests still succeed; when it is back every mail is delivered exactly once", async () => {
    const first = await register(t);
    await smtp.waitFor(1);
    expect(smtp.received[0]?.to).toEqual([first.user.email]);

    await smtp.stop();
    const during = [await register(t), await register(t, { role: "vendor" })];
    const forgot = await t.request("/password/forgot", {
      headers: { origin: ORIGIN },
      json: { email: first.user.email },
    });
    expect(forgot.status).toBe(202);
    await t.background.idle();
    // The relay keeps trying while the server is away: attempts count up, nothing is marked sent.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pending = (await testDb.db.select().from(mailOutbox)).filter((r) => r.sentAt === null);
      if (pending.length === 3 && pending.every((r) => r.attempts >= 2 && r.lastError)) break;
      if (Date.now() > deadline) throw new Error(`relay did not retry: ${JSON.stringify(pending)}`);
      await Bun.sleep(50);
    }
    expect(smtp.received).toHaveLength(1);

    await smtp.start();
    await smtp.waitFor(4);
    // Give a duplicate every chance to show up before counting.
    await Bun.sleep(1000);
    await relay.flush();
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    const rows = await testDb.db.select().from(mailOutbox);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row.sentAt).not.toBeNull();
      // Sent: the bodies (and the links in them) are gone from the database.
      expect([row.textBody, row.htmlBody]).toEqual([null, null]);
      expect(ids).toContain(`<${row.id}@pay.example.test>`);
    }
    const recipients = smtp.received.map((m) => m.to[0]).sort();
    expect(recipients).toEqual(
      [first.user.email, first.user.email, ...during.map((u) => u.user.email)].sort(),
    );
  }, 60_000);

  test("the link in the delivered mail verifies the address", async () => {
    const user = await register(t);
    const received = await smtp.waitFor(smtp.received.length + 1);
    const mail = received.find((m) => m.to[0] === user.user.email);
    const token = tokenIn(plainText(mail?.raw ?? ""));
    const res = await t.request("/email/verify", { headers: { origin: ORIGIN }, json: { token } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { email_verified: boolean }).email_verified).toBe(true);
  }, 30_000);
});

describe("the development mailbox page", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "auth-mailbox-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("shows what the development transport wrote, as a page and as JSON", async () => {
    const app = await buildApp(testDb, { devMailboxDir: dir });
    const transport = createMailTransport({ mailboxDir: dir });
    await transport.send({
      id: "msg_01devmailbox",
      from: "Payments <no-reply@localhost>",
      to: "ada@example.test",
      subject: "Confirm <your> address",
      text: "Hello\nhttps://pay.example.test/account/verify?token=abc\n",
      html: "<p>Hello</p>",
    });
    const page = await app.request("/dev/mailbox");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("Confirm &lt;your&gt; address");
    expect(html).toContain('<a href="https://pay.example.test/account/verify?token=abc">');
    const json = await app.request("/dev/mailbox/messages?to=ADA@example.test");
    expect(json.status).toBe(200);
    const body = (await json.json()) as { data: { id: string; links: string[] }[] };
    expect(body.data.map((m) => m.id)).toEqual(["msg_01devmailbox"]);
    expect(body.data[0]?.links).toEqual(["https://pay.example.test/account/verify?token=abc"]);
    expect((await app.request("/dev/mailbox/messages?to=nobody@example.test")).status).toBe(200);
    expect((await app.request("/dev/mailbox/messages?foo=1")).status).toBe(400);
  });

  test("is never served in production", async () => {
    expect(devMailboxDirFor({ NODE_ENV: "production", MAILBOX_DIR: dir })).toBeUndefined();
    expect(devMailboxDirFor({ NODE_ENV: "development", MAILBOX_DIR: dir })).toBe(dir);
    expect(devMailboxDirFor({ NODE_ENV: "test", MAILBOX_DIR: dir })).toBe(dir);
    // What server.ts builds in production: no directory, so neither route exists.
    const app = await buildApp(testDb, {
      devMailboxDir: devMailboxDirFor({ NODE_ENV: "production", MAILBOX_DIR: dir }),
    });
    expect((await app.request("/dev/mailbox")).status).toBe(404);
    expect((await app.request("/dev/mailbox/messages")).status).toBe(404);
  });
});
