import { expect } from "bun:test";
import { createEvent, type EventEnvelope, type Id, newId } from "@payments/contracts";
import { notificationsList } from "@payments/contracts/http";
import { mailOutbox } from "@payments/mail";
import { contractProblems } from "@payments/testing";
import { eq } from "drizzle-orm";
import { accountEvent, type TestDb, type TestProfile, userSnapshot } from "./support.ts";

/** A customer and a vendor the profile service has heard of (their `user.registered` applied). */
export async function pair(t: TestProfile) {
  const customer = userSnapshot(newId("usr"), "Carla Customer");
  // Roles do not matter here: who is payer and who payee does.
  const vendor = userSnapshot(newId("usr"), "Vera Vendor");
  await t.deliver(accountEvent("user.registered", customer), accountEvent("user.registered", vendor));
  return { customer, vendor };
}

/** A `payment.succeeded` or `payment.failed` of `amount` cents (usd) from `payer` to `payee`. */
export function paymentEvent(
  type: "payment.succeeded" | "payment.failed",
  payer: Id<"usr">,
  payee: Id<"usr">,
  amount = 1234,
): EventEnvelope {
  const id = newId("pay");
  const now = new Date().toISOString();
  const snapshot = {
    id,
    payer_id: payer,
    payee_id: payee,
    amount,
    currency: "usd",
    amount_refunded: 0,
    created_at: now,
    updated_at: now,
  };
  return type === "payment.succeeded"
    ? createEvent({ type, producer: "payments", subject: id, data: { ...snapshot, status: "succeeded" } })
    : createEvent({
        type,
        producer: "payments",
        subject: id,
        data: {
          ...snapshot,
          status: "failed",
          failure_code: "card_declined",
          failure_message: "The card was declined.",
        },
      });
}

/** `session.started` for `user`, from a device new to the account or not. */
export function newDeviceSignIn(user: Id<"usr">, newDevice: boolean): EventEnvelope {
  return createEvent({
    type: "session.started",
    producer: "auth",
    subject: user,
    data: {
      user_id: user,
      session_id: newId("ses"),
      role: "customer",
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      new_device: newDevice,
      device: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    },
  });
}

/** A page of `GET /notifications` as the tests read it. */
export interface ListBody {
  data: {
    id: string;
    kind: string;
    title: string;
    body: string;
    link: string | null;
    read_at: string | null;
  }[];
  has_more: boolean;
  unread_count: number;
}

/** The user's notifications (checked against the contract). */
export async function listNotices(t: TestProfile, userId: string, query = ""): Promise<ListBody> {
  const res = await t.request(`/notifications${query}`, { token: await t.token(userId) });
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(contractProblems(notificationsList, 200, body)).toEqual([]);
  return body as ListBody;
}

/** Mail outbox rows to `address`. */
export function mailsTo(testDb: TestDb, address: string) {
  return testDb.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, address));
}

/** `notification.created` events in the outbox for `userId`. */
export async function notificationEvents(t: TestProfile, userId: string) {
  return (await t.profileEvents(userId)).filter((e) => e.type === "notification.created");
}
