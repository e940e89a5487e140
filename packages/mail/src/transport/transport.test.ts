import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestSmtpServer, type TestSmtpServer } from "../testing/index.ts";
import { type MailboxMessage, pruneMailbox, readMailbox, writeMailboxMessage } from "./mailbox.ts";
import { createMailTransport, SendError } from "./transport.ts";

const MAIL = {
  id: "msg_01test",
  from: "Payments <no-reply@pay.example>",
  to: "ada@example.test",
  subject: "Grüße",
  text: "Hello\nhttps://pay.example/account/verify?token=abc\n",
  html: "<p>Hello</p>",
};

describe("SMTP transport against a real SMTP server", () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(() => smtp.stop());

  test("delivers the message with a Message-ID made from the outbox id", async () => {
    const transport = createMailTransport({ smtpUrl: smtp.url, mailboxDir: "/nonexistent" });
    expect(transport.kind).toBe("smtp");
    await transport.send(MAIL);
    const [got] = await smtp.waitFor(1);
    expect(got?.to).toEqual(["ada@example.test"]);
    expect(got?.from).toBe("no-reply@pay.example");
    expect(got?.messageId).toBe("<msg_01test@pay.example>");
    expect(got?.raw).toContain("multipart/alternative");
    transport.close();
  });

  test("a server that is down is a retryable SendError", async () => {
    await smtp.stop();
    const transport = createMailTransport({ smtpUrl: smtp.url, mailboxDir: "/nonexistent" });
    const failure = await transport.send(MAIL).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(SendError);
    expect((failure as SendError).permanent).toBe(false);
    await smtp.start();
    await transport.send(MAIL);
    expect(smtp.received.length).toBe(2);
    transport.close();
  });
});

describe("development mailbox transport", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mailbox-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("writes the .eml and the JSON, and reads them back newest first", async () => {
    const transport = createMailTransport({ mailboxDir: dir });
    expect(transport.kind).toBe("mailbox");
    await transport.send(MAIL);
    await transport.send({ ...MAIL, id: "msg_02test", to: "grace@example.test" });
    const eml = await readFile(join(dir, "msg_01test.eml"), "utf8");
    expect(eml).toContain("Message-ID: <msg_01test@pay.example>");
    expect(eml).toContain("To: ada@example.test");
    const all = await readMailbox(dir);
    expect(all.map((m) => m.id)).toEqual(["msg_02test", "msg_01test"]);
    const ada = await readMailbox(dir, { to: "ADA@example.test" });
    expect(ada).toHaveLength(1);
    expect(ada[0]?.links).toEqual(["https://pay.example/account/verify?token=abc"]);
    expect(ada[0]?.subject).toBe("Grüße");
  });

  test("a listing sees mail written since the last one and forgets files removed, and skips what is not a message", async () => {
    const box = await mkdtemp(join(tmpdir(), "mailbox-index-"));
    try {
      const transport = createMailTransport({ mailboxDir: box });
      await transport.send({ ...MAIL, id: "msg_a1" });
      await writeFile(join(box, "notes.json"), "{not json");
      await writeFile(join(box, "other.json"), JSON.stringify({ hello: "world" }));
      expect((await readMailbox(box)).map((m) => m.id)).toEqual(["msg_a1"]);
      await Bun.sleep(5);
      await transport.send({ ...MAIL, id: "msg_a2" });
      await transport.send({ ...MAIL, id: "msg_b1", to: "grace@example.test" });
      expect((await readMailbox(box, { to: "ada@example.test" })).map((m) => m.id)).toEqual([
        "msg_a2",
        "msg_a1",
      ]);
      await rm(join(box, "msg_a2.json"));
      expect((await readMailbox(box, { to: "ada@example.test" })).map((m) => m.id)).toEqual(["msg_a1"]);
      expect((await readMailbox(box, { limit: 1 })).map((m) => m.id)).toHaveLength(1);
      // A file that did not read as a message is read again next time, not remembered as nothing.
      const later = { ...MAIL, id: "msg_c1", to: "ada@example.test", created_at: new Date().toISOString() };
      await writeFile(
        join(box, "notes.json"),
        JSON.stringify({ ...later, message_id: "<c1@x>", from: MAIL.from, links: [] }),
      );
      expect((await readMailbox(box, { to: "ada@example.test" })).map((m) => m.id)).toEqual([
        "msg_c1",
        "msg_a1",
      ]);
    } finally {
      await rm(box, { recursive: true, force: true });
    }
  });

  test("keeps the newest messages: the oldest past the limit lose both files, on the first write and by hand", async () => {
    const box = await mkdtemp(join(tmpdir(), "mailbox-keep-"));
    const message = (n: number): MailboxMessage => ({
      ...MAIL,
      id: `msg_0${n}`,
      message_id: `<${n}@pay.example>`,
      links: [],
      created_at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    });
    try {
      // Left by an earlier run: written as files, so this process has not counted a write to `box` yet.
      for (const n of [1, 2, 3, 4, 5]) {
        await writeFile(join(box, `msg_0${n}.eml`), "raw");
        await writeFile(join(box, `msg_0${n}.json`), JSON.stringify(message(n)));
      }
      await writeMailboxMessage(box, message(6), Buffer.from("raw"), 3);
      expect((await readMailbox(box)).map((m) => m.id)).toEqual(["msg_06", "msg_05", "msg_04"]);
      expect((await readdir(box)).sort()).toEqual(
        [4, 5, 6].flatMap((n) => [`msg_0${n}.eml`, `msg_0${n}.json`]),
      );
      expect(await pruneMailbox(box, 1)).toBe(2);
      expect((await readMailbox(box)).map((m) => m.id)).toEqual(["msg_06"]);
      expect(await pruneMailbox(box, 1)).toBe(0);
    } finally {
      await rm(box, { recursive: true, force: true });
    }
  });

  test("an absent mailbox directory reads as empty", async () => {
    expect(await readMailbox(join(dir, "nope"))).toEqual([]);
  });
});
