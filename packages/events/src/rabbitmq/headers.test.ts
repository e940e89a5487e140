import { describe, expect, it } from "bun:test";
import type { Message, MessageProperties } from "amqplib";
import {
  attemptOf,
  carriedHeaders,
  headerText,
  originalRoutingKey,
  republishOptions,
  toDeadLetter,
} from "./headers.ts";

function message(
  routingKey: string,
  headers: Record<string, unknown>,
  body = "{}",
  extra: Partial<MessageProperties> = {},
) {
  const properties: MessageProperties = {
    contentType: "application/json",
    contentEncoding: undefined,
    headers,
    deliveryMode: 2,
    priority: undefined,
    correlationId: undefined,
    replyTo: undefined,
    expiration: undefined,
    messageId: "evt_1",
    timestamp: 1_700_000_000,
    type: "payment.created",
    userId: undefined,
    appId: "payments",
    clusterId: undefined,
    ...extra,
  };
  const msg: Message = {
    content: Buffer.from(body),
    fields: { deliveryTag: 1, redelivered: false, exchange: "", routingKey },
    properties,
  };
  return msg;
}

/** What the broker adds when it dead-letters a message itself (here: a retry queue's TTL expired). */
const XDEATH = [
  {
    count: 1,
    reason: "expired",
    queue: "payments.retry.1000",
    time: { "!": "timestamp", value: 1_700_000_000 },
    exchange: "",
    "routing-keys": ["payments.retry.1000"],
  },
  {
    count: 1,
    reason: "delivery_limit",
    queue: "payments",
    time: { "!": "timestamp", value: 1_700_000_000 },
    exchange: "events",
    "routing-keys": ["user.updated"],
  },
];

describe("message headers", () => {
  it("reads the attempt from x-attempt, 1 when absent or unusable", () => {
    expect(attemptOf(message("x", {}))).toBe(1);
    expect(attemptOf(message("x", { "x-attempt": 3 }))).toBe(3);
    expect(attemptOf(message("x", { "x-attempt": "2" }))).toBe(2);
    expect(attemptOf(message("x", { "x-attempt": -4 }))).toBe(1);
    expect(attemptOf(message("x", { "x-attempt": "lots" }))).toBe(1);
  });

  it("finds the original routing key: header, else the oldest x-death entry, else the delivery's", () => {
    expect(originalRoutingKey(message("payments", { "x-routing-key": "payment.created" }))).toBe(
      "payment.created",
    );
    expect(originalRoutingKey(message("payments", { "x-death": XDEATH }))).toBe("user.updated");
    expect(originalRoutingKey(message("payment.failed", {}))).toBe("payment.failed");
  });

  it("strips the broker's dead-letter bookkeeping when carrying headers to a republish", () => {
    const msg = message("q", {
      traceparent: "00-a-b-01",
      "x-death": XDEATH,
      "x-first-death-reason": "expired",
      "x-delivery-count": 2,
    });
    expect(carriedHeaders(msg, { "x-attempt": 2 })).toEqual({ traceparent: "00-a-b-01", "x-attempt": 2 });
    expect(republishOptions(msg, { a: 1 })).toEqual({
      persistent: true,
      headers: { a: 1 },
      messageId: "evt_1",
      type: "payment.created",
      contentType: "application/json",
      appId: "payments",
      timestamp: 1_700_000_000,
    });
  });

  it("cuts long error texts for headers", () => {
    expect(headerText("short")).toBe("short");
    expect(headerText("x".repeat(5_000))).toHaveLength(1_000);
  });
});

describe("toDeadLetter", () => {
  it("reads what the bus wrote when it dead-lettered", () => {
    const letter = toDeadLetter(
      "payments",
      message(
        "payments",
        {
          "x-error": "boom",
          "x-attempts": 4,
          "x-original-queue": "payments",
          "x-routing-key": "payment.created",
          "x-dead-lettered-at": "2026-01-01T00:00:00.000Z",
        },
        '{"id":"evt_1"}',
      ),
    );
    expect(letter).toEqual({
      event: { id: "evt_1" },
      queue: "payments",
      routing_key: "payment.created",
      reason: "boom",
      attempts: 4,
      dead_lettered_at: "2026-01-01T00:00:00.000Z",
    });
  });

  it("translates a message the broker dead-lettered itself (delivery limit) and keeps non-JSON bodies as text", () => {
    const letter = toDeadLetter(
      "payments",
      message(
        "payments",
        { "x-death": XDEATH, "x-first-death-reason": "delivery_limit", "x-delivery-count": 11 },
        "not json",
      ),
    );
    expect(letter).toEqual({
      event: "not json",
      queue: "payments",
      routing_key: "user.updated",
      reason: "dead-lettered by the broker: delivery_limit",
      attempts: 11,
      dead_lettered_at: new Date(1_700_000_000_000).toISOString(),
    });
  });
});
