import { describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { actorOf, auditFactsOf, traceIdOf } from "./audit.ts";
import {
  bucketShareOf,
  bucketsOf,
  counterIncrementsOf,
  fillBuckets,
  mergePaymentState,
  type PaymentState,
  volumeOf,
} from "./dashboard.ts";
import { changedKeys, DEFAULT_SYSTEM_CONFIG, systemConfigSchema } from "./system-config.ts";

describe("changed keys of a configuration", () => {
  test("names leaves, arrays as one leaf, added and removed keys, sorted", () => {
    const after = {
      ...DEFAULT_SYSTEM_CONFIG,
      supported_currencies: ["usd"],
      payment_limits: {
        ...DEFAULT_SYSTEM_CONFIG.payment_limits,
        per_currency: { jpy: { min_amount: 1, max_amount: 9 } },
      },
    };
    expect(changedKeys(DEFAULT_SYSTEM_CONFIG, after)).toEqual([
      "payment_limits.per_currency.jpy",
      "supported_currencies",
    ]);
    expect(changedKeys(after, DEFAULT_SYSTEM_CONFIG)).toEqual([
      "payment_limits.per_currency.jpy",
      "supported_currencies",
    ]);
    expect(changedKeys(DEFAULT_SYSTEM_CONFIG, structuredClone(DEFAULT_SYSTEM_CONFIG))).toEqual([]);
  });

  test("the defaults are a valid configuration", () => {
    expect(systemConfigSchema.parse(DEFAULT_SYSTEM_CONFIG)).toEqual(DEFAULT_SYSTEM_CONFIG);
  });
});

describe("audit facts", () => {
  test("trace id from a traceparent; none for missing or all-zero ids", () => {
    expect(traceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBe(
      "4bf92f3577b34da6a3ce929d0e0e4736",
    );
    expect(traceIdOf(undefined)).toBeNull();
    expect(traceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeNull();
  });

  test("the audit id carries the event's ULID, so it sorts like the event ids", () => {
    const a = createEvent({
      type: "user.registered",
      producer: "auth",
      subject: "x",
      data: sampleEventData("user.registered"),
    });
    const b = createEvent({
      type: "user.registered",
      producer: "auth",
      subject: "x",
      data: sampleEventData("user.registered"),
    });
    expect(auditFactsOf(a).id < auditFactsOf(b).id).toBe(true);
    expect(auditFactsOf(a).id.slice(4)).toBe(a.id.slice(4));
  });

  test("actor: self-service revocations are the user's, admin-caused ones are not attributed", () => {
    const user = newId("usr");
    const revoked = (reason: "logout" | "role_changed") =>
      createEvent({
        type: "session.revoked",
        producer: "auth",
        subject: user,
        data: { user_id: user, session_ids: [newId("ses")], reason },
      });
    expect(actorOf(revoked("logout"))).toBe(user);
    expect(actorOf(revoked("role_changed"))).toBeNull();
  });

  test("actor: a call made with an API key is its owner's (the key id stays in the entry's data)", () => {
    const used = createEvent({
      type: "api_key.used",
      producer: "gateway",
      subject: "apk_x",
      data: sampleEventData("api_key.used"),
    });
    expect(actorOf(used)).toBe(used.data.user_id);
  });
});

describe("payment state merge", () => {
  const state = (
    status: PaymentState["status"],
    rank: number,
    extra: Partial<PaymentState> = {},
  ): PaymentState => ({
    paymentId: "pay_x",
    status,
    currency: "usd",
    amount: 100,
    amountRefunded: 0,
    rank,
    updatedAt: new Date(0),
    createdAt: new Date(0),
    ...extra,
  });

  test("moves forward only; a late older event changes nothing", () => {
    expect(mergePaymentState(state("pending", 0), state("succeeded", 2))?.status).toBe("succeeded");
    expect(mergePaymentState(state("succeeded", 2), state("processing", 1))).toBeUndefined();
  });

  test("a later partial refund (same status, more refunded) wins; a late amount is filled in", () => {
    const first = state("partially_refunded", 3, { amountRefunded: 10 });
    expect(
      mergePaymentState(first, state("partially_refunded", 3, { amountRefunded: 30 }))?.amountRefunded,
    ).toBe(30);
    const noAmount = state("refunded", 4, { amount: null, amountRefunded: 100 });
    expect(mergePaymentState(noAmount, state("pending", 0))).toMatchObject({
      status: "refunded",
      amount: 100,
    });
  });

  test("a creation time learnt late (refund event first) is filled in, and is news on its own", () => {
    const fromRefund = state("refunded", 4, { amount: 100, createdAt: null });
    const created = new Date("2030-01-01T10:00:00Z");
    expect(mergePaymentState(fromRefund, state("pending", 0, { createdAt: created }))).toMatchObject({
      status: "refunded",
      createdAt: created,
    });
    expect(mergePaymentState(state("refunded", 4), state("pending", 0))).toBeUndefined();
  });
});

describe("payments per bucket", () => {
  test("a payment's share is its creation bucket, its status now, once; none before its creation is known", () => {
    const createdAt = new Date("2030-01-01T10:00:30Z");
    const s = { paymentId: "pay_x", currency: "eur", amount: 250, amountRefunded: 0, updatedAt: createdAt };
    expect(bucketShareOf({ ...s, status: "succeeded", rank: 2, createdAt }, -1)).toEqual({
      createdAt,
      status: "succeeded",
      currency: "eur",
      count: -1,
      amount: -250,
    });
    expect(bucketShareOf({ ...s, status: "refunded", rank: 4, createdAt: null }, 1)).toBeUndefined();
  });

  test("state changes do not count as payments; failures and refunds count when they happened", () => {
    const failedAt = "2030-01-01T08:00:00.000Z";
    const failed = createEvent({
      type: "payment.failed",
      producer: "payments",
      subject: "pay_x",
      data: { ...sampleEventData("payment.failed"), updated_at: failedAt },
    });
    const increments = counterIncrementsOf(failed);
    expect(increments.map((i) => i.metric)).toEqual(["events", "payment_failures"]);
    expect(increments[1]?.at.toISOString()).toBe(failedAt);
    expect(increments[0]?.at.toISOString()).toBe(failed.occurred_at);
  });

  test("fills every bucket of the window, empty ones with 0, and drops counters outside it", () => {
    const at = (m: number) => new Date(Date.UTC(2030, 0, 1, 10, m));
    const buckets = fillBuckets(at(0), at(3), 60_000, [
      { bucketStart: at(1), label: "succeeded", currency: "usd", count: 2, amount: 500 },
      { bucketStart: at(1), label: "failed", currency: "usd", count: 1, amount: 100 },
      { bucketStart: at(3), label: "pending", currency: "eur", count: 0, amount: 0 },
      { bucketStart: at(9), label: "succeeded", currency: "usd", count: 7, amount: 700 },
    ]);
    expect(buckets.map((b) => [b.bucket_start, b.payments])).toEqual([
      ["2030-01-01T10:00:00.000Z", 0],
      ["2030-01-01T10:01:00.000Z", 3],
      ["2030-01-01T10:02:00.000Z", 0],
      ["2030-01-01T10:03:00.000Z", 0],
    ]);
    expect(buckets[1]?.by_status).toEqual([
      { status: "succeeded", currency: "usd", count: 2, amount: 500 },
      { status: "failed", currency: "usd", count: 1, amount: 100 },
    ]);
  });
});

describe("buckets and volume", () => {
  test("UTC minute and day starts", () => {
    expect(bucketsOf(new Date("2030-01-02T03:04:05.678Z"))).toEqual({
      minute: new Date("2030-01-02T03:04:00.000Z"),
      day: new Date("2030-01-02T00:00:00.000Z"),
    });
  });

  test("volume counts captured payments only, net of refunds", () => {
    expect(
      volumeOf([
        { status: "succeeded", currency: "usd", count: 2, amount: 300, amountRefunded: 0 },
        { status: "refunded", currency: "usd", count: 1, amount: 50, amountRefunded: 50 },
        { status: "failed", currency: "usd", count: 5, amount: 999, amountRefunded: 0 },
      ]),
    ).toEqual([{ currency: "usd", captured: 350, refunded: 50, net: 300 }]);
  });
});
