import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import {
  notificationEvents as announced,
  type ListBody,
  listNotices,
  mailsTo as mailRows,
  newDeviceSignIn,
  pair as pairOf,
  paymentEvent,
} from "./notification-support.ts";
import {
  accountEvent,
  adapters,
  buildProfile,
  openTestDb,
  type TestDb,
  type TestProfile,
} from "./support.ts";

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
const mailsTo = (address: string) => mailRows(testDb, address);
const notificationEvents = (userId: string) => announced(t, userId);

describe(`notifications from events (${adapters})`, () => {
  test("a succeeded payment notifies the vendor (received) and the customer (succeeded), in-app and by mail", async () => {
    const { customer, vendor } = await pair();
    const paid = paymentEvent("payment.succeeded", customer.id, vendor.id);
    await t.deliver(paid);

    const vendorList = await list(vendor.id);
    expect(vendorList.unread_count).toBe(1);
    expect(vendorList.data).toHaveLength(1);
    expect(vendorList.data[0]).toMatchObject({
      kind: "payment_received",
      title: "You received $12.34",
      body: "Carla Customer paid you $12.34.",
      link: `/payments/${paid.subject}`,
      read_at: null,
    });
    const customerList = await list(customer.id);
    expect(customerList.data[0]).toMatchObject({
      kind: "payment_succeeded",
      body: expect.stringContaining("Vera Vendor"),
    });

    const [mail] = await mailsTo(vendor.email);
    expect(mail?.subject).toBe("You received $12.34");
    expect(mail?.textBody).toContain(`http://localhost:3000/payments/${paid.subject}`);
    expect(await mailsTo(customer.email)).toHaveLength(1);

    // The gateway pushes these to the reader's room: one per notification, naming it.
    const [announced] = await notificationEvents(vendor.id);
    expect(announced?.data).toMatchObject({
      user_id: vendor.id,
      id: vendorList.data[0]?.id,
      kind: "payment_received",
    });
  });

  test("the same event delivered again (and twice at once) gives one notification and one mail", async () => {
    const { customer, vendor } = await pair();
    const paid = paymentEvent("payment.succeeded", customer.id, vendor.id);
    await t.deliver(paid);
    await Promise.all([t.deliver(paid), t.deliver(paid)]);
    expect((await list(vendor.id)).data).toHaveLength(1);
    expect(await mailsTo(vendor.email)).toHaveLength(1);
    expect(await notificationEvents(vendor.id)).toHaveLength(1);
  });

  test("switches: payment updates off → no payment notice; security notices come whatever the switches say", async () => {
    const { customer, vendor } = await pair();
    const token = await t.token(vendor.id);
    const off = await t.request("/me/preferences", {
      json: { notifications: { payment_updates: false, security_alerts: false } },
      token,
    });
    expect(off.status).toBe(200);
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id));
    expect((await list(vendor.id)).data).toEqual([]);
    expect(await mailsTo(vendor.email)).toHaveLength(0);

    await t.deliver(newDeviceSignIn(vendor.id, false));
    expect((await list(vendor.id)).data).toEqual([]);
    await t.deliver(newDeviceSignIn(vendor.id, true));
    const after = await list(vendor.id);
    expect(after.data.map((n) => n.kind)).toEqual(["new_device_sign_in"]);
    expect(after.data[0]?.body).toContain(": Firefox on Linux.");
    expect(await mailsTo(vendor.email)).toHaveLength(1);
  });

  test("failed payments, password and two-factor changes notify the right user; a reset is in-app only", async () => {
    const { customer, vendor } = await pair();
    await t.deliver(paymentEvent("payment.failed", customer.id, vendor.id));
    const changed = createEvent({
      type: "user.updated",
      producer: "auth",
      subject: customer.id,
      data: { ...customer, changed: ["password"] },
    });
    const reset = createEvent({
      type: "user.updated",
      producer: "auth",
      subject: customer.id,
      data: { ...customer, changed: ["password_reset"] },
    });
    const twoFactor = createEvent({
      type: "user.two_factor_changed",
      producer: "auth",
      subject: customer.id,
      data: {
        user_id: customer.id,
        email: customer.email,
        change: "enabled",
        enabled: true,
        recovery_codes_remaining: 10,
      },
    });
    await t.deliver(changed, reset, twoFactor);
    const kinds = (await list(customer.id)).data.map((n) => n.kind).sort();
    expect(kinds).toEqual(["password_changed", "password_changed", "payment_failed", "two_factor_changed"]);
    expect((await list(vendor.id)).data).toEqual([]);
    // Mail for the failure, the signed-in password change and two-factor; not the reset (auth mailed that).
    const subjects = (await mailsTo(customer.email)).map((m) => m.subject).sort();
    expect(subjects).toEqual([
      "Your password was changed",
      "Your payment of $12.34 failed",
      "Your two-factor sign-in changed",
    ]);
  });

  test("a refund tells the vendor it was issued and the customer it was received; an e-mail change is in-app only", async () => {
    const { customer, vendor } = await pair();
    const paymentId = newId("pay");
    const refund = createEvent({
      type: "refund.succeeded",
      producer: "payments",
      subject: paymentId,
      data: {
        id: newId("re"),
        payment_id: paymentId,
        payer_id: customer.id,
        payee_id: vendor.id,
        amount: 500,
        currency: "eur",
        reason: null,
        payment_status: "partially_refunded",
        payment_amount_refunded: 500,
        created_at: new Date().toISOString(),
        status: "succeeded",
      },
    });
    await t.deliver(refund);
    expect((await list(vendor.id)).data[0]).toMatchObject({
      kind: "refund_issued",
      body: "A refund of €5.00 to Carla Customer was issued.",
      link: `/payments/${paymentId}`,
    });
    expect((await list(customer.id)).data[0]).toMatchObject({
      kind: "refund_received",
      title: "You were refunded €5.00",
    });

    const moved = { ...customer, email: `moved-${customer.email}` };
    await t.deliver(
      createEvent({
        type: "user.updated",
        producer: "auth",
        subject: customer.id,
        data: { ...moved, changed: ["email"] },
      }),
    );
    const [changed] = (await list(customer.id)).data;
    expect(changed).toMatchObject({ kind: "email_changed", security: true });
    expect(changed?.body).toContain(moved.email);
    // Auth told the old address itself; profile mails nothing about it (to either address).
    expect((await mailsTo(moved.email)).map((m) => m.template)).toEqual([]);
  });

  test("a deactivated user gets no more notifications", async () => {
    const { customer, vendor } = await pair();
    await t.deliver(accountEvent("user.deactivated", vendor, new Date(Date.now() + 1000)));
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id));
    expect((await list(vendor.id)).data).toEqual([]);
    expect((await list(customer.id)).data.map((n) => n.kind)).toEqual(["payment_succeeded"]);
  });

  test("in the reader's locale: German preferences give German text and German mail", async () => {
    const { customer, vendor } = await pair();
    await t.request("/me/preferences", { json: { locale: "de-DE" }, token: await t.token(vendor.id) });
    await t.deliver(paymentEvent("payment.succeeded", customer.id, vendor.id, 150_000));
    const [notice] = (await list(vendor.id)).data;
    // Intl puts a no-break space before the symbol.
    expect(notice?.title).toMatch(/^Sie haben 1\.500,00\s\$ erhalten$/);
    const [mail] = await mailsTo(vendor.email);
    expect(mail?.locale).toBe("de");
    expect(mail?.subject).toBe(notice?.title);
  });
});
