import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { notificationsMarkRead } from "@payments/contracts/http";
import { createMailTransport, startMailRelay } from "@payments/mail";
import { startTestSmtpServer } from "@payments/mail/testing";
import { createLogger } from "@payments/service-kit";
import { contractProblems } from "@payments/testing";
import { eq } from "drizzle-orm";
import { purgeNotifications } from "../src/db/notification-queries.ts";
import { notifications } from "../src/db/schema.ts";
import { type ListBody, listNotices, pair as pairOf, paymentEvent } from "./notification-support.ts";
import { adapters, buildProfile, openTestDb, type TestDb, type TestProfile } from "./support.ts";

let testDb: TestDb;
let t: TestProfile;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildProfile(testDb);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

const pair = () => pairOf(t);
const list = (userId: string, query = ""): Promise<ListBody> => listNotices(t, userId, query);

describe(`the notification centre (${adapters})`, () => {
  test("mark read, mark all read, unread filter, paging; another user's notification is 404", async () => {
    const { customer, vendor } = await pair();
    for (let i = 0; i < 3; i++)
      await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id, 100 + i));
    const token = await t.token(vendor.id);
    const all = await list(vendor.id);
    expect(all.unread_count).toBe(3);
    const [newest, middle, oldest] = all.data;
    if (!newest || !middle || !oldest) throw new Error("expected three notifications");
    expect(newest.title).toBe("You received $1.02");

    const page = await list(vendor.id, `?limit=2`);
    expect(page.has_more).toBe(true);
    const next = await list(vendor.id, `?limit=2&starting_after=${page.data[1]?.id}`);
    expect(next.data.map((n) => n.id)).toEqual([oldest.id]);

    const read = await t.request(`/notifications/${middle.id}/read`, { method: "POST", token });
    expect(read.status).toBe(200);
    const readBody = (await read.json()) as { read_at: string | null };
    expect(readBody.read_at).not.toBeNull();
    expect(contractProblems(notificationsMarkRead, 200, readBody)).toEqual([]);
    const count = await t.request("/notifications/unread-count", { token });
    expect(await count.json()).toEqual({ unread_count: 2 });
    expect((await list(vendor.id, "?unread=true")).data.map((n) => n.id)).toEqual([newest.id, oldest.id]);

    const foreign = await t.request(`/notifications/${middle.id}/read`, {
      method: "POST",
      token: await t.token(customer.id),
    });
    expect(foreign.status).toBe(404);

    const allRead = await t.request("/notifications/read-all", { method: "POST", token });
    expect(await allRead.json()).toEqual({ marked: 2, unread_count: 0 });
    expect((await list(vendor.id)).unread_count).toBe(0);
  });

  test("retention: the purge deletes notifications older than the cutoff only", async () => {
    const { customer, vendor } = await pair();
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id));
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id));
    const [first] = (await list(vendor.id)).data;
    if (!first) throw new Error("expected a notification");
    await testDb.db
      .update(notifications)
      .set({ createdAt: new Date(Date.now() - 91 * 86_400_000) })
      .where(eq(notifications.id, first.id));
    await purgeNotifications(testDb.db, new Date(Date.now() - 90 * 86_400_000));
    const left = await list(vendor.id);
    expect(left.data).toHaveLength(1);
    expect(left.data[0]?.id).not.toBe(first.id);
  });

  test("the mail reaches a real SMTP server through the outbox", async () => {
    const smtp = await startTestSmtpServer();
    const { customer, vendor } = await pair();
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id, 4200));
    const relay = startMailRelay({
      db: testDb.db,
      transport: createMailTransport({ smtpUrl: smtp.url, mailboxDir: "/nonexistent" }),
      from: "Payments <no-reply@example.test>",
      logger: createLogger({ service: "profile", level: "silent" }),
    });
    try {
      await relay.flush();
      const arrived = await smtp.waitFor(1);
      const toVendor = arrived.filter((m) => m.to.includes(vendor.email));
      expect(toVendor.map((m) => m.subject)).toEqual(["You received $42.00"]);
    } finally {
      await relay.stop();
      await smtp.stop();
    }
  });
});
