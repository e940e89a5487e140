import { parseEvent } from "@payments/contracts";
import { describe, expect, it } from "vitest";
import { keysForEvent, keysForRoom, queryKeys } from "./keys.ts";

const PAY = "pay_01j9z3k7m8n9p0q1r2s3t4v5w6";
const refund = parseEvent({
  id: "evt_01j9z3k7m8n9p0q1r2s3t4v5w6",
  type: "refund.succeeded",
  version: 1,
  occurred_at: "2025-01-01T00:00:00.000Z",
  producer: "payments",
  subject: "re_01j9z3k7m8n9p0q1r2s3t4v5w6",
  data: {
    id: "re_01j9z3k7m8n9p0q1r2s3t4v5w6",
    payment_id: PAY,
    payer_id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w7",
    payee_id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w8",
    amount: 100,
    currency: "usd",
    reason: null,
    payment_status: "partially_refunded",
    payment_amount_refunded: 100,
    created_at: "2025-01-01T00:00:00.000Z",
    status: "succeeded",
  },
});

describe("query invalidation by event", () => {
  it("a refund invalidates the payment it belongs to, the lists and the admin views", () => {
    if (!refund.ok) throw new Error(refund.reason);
    const keys = keysForEvent(refund.event);
    expect(keys).toContainEqual(queryKeys.payments.detail(PAY));
    expect(keys).toContainEqual(queryKeys.payments.history(PAY));
    expect(keys).toContainEqual(queryKeys.payments.lists);
    expect(keys).toContainEqual(queryKeys.admin.dashboard);
    expect(keys).not.toContainEqual(queryKeys.admin.users);
  });

  it("a new notification refreshes the bell and the list; a gap in the user's room does too", () => {
    const created = parseEvent({
      id: "evt_01j9z3k7m8n9p0q1r2s3t4v5w9",
      type: "notification.created",
      version: 1,
      occurred_at: "2025-01-01T00:00:00.000Z",
      producer: "profile",
      subject: "usr_01j9z3k7m8n9p0q1r2s3t4v5w8",
      data: {
        user_id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w8",
        id: "ntf_01j9z3k7m8n9p0q1r2s3t4v5w6",
        kind: "payment_received",
        created_at: "2025-01-01T00:00:00.000Z",
      },
    });
    if (!created.ok) throw new Error(created.reason);
    expect(keysForEvent(created.event)).toContainEqual(queryKeys.notifications.all);
    expect(keysForRoom("user:usr_01j9z3k7m8n9p0q1r2s3t4v5w8")).toContainEqual(queryKeys.notifications.all);
  });

  it("a gap in a payment room refetches that payment", () => {
    expect(keysForRoom(`payment:${PAY}`)).toContainEqual(queryKeys.payments.detail(PAY));
    expect(keysForRoom("role:admin")).toContainEqual(queryKeys.admin.dashboard);
    expect(keysForRoom("nonsense")).toEqual([]);
  });
});
