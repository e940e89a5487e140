import { describe, expect, it } from "bun:test";
import { newId } from "../ids/index.ts";
import { sampleEventData } from "../testing/samples.ts";
import { createEvent, InvalidEventError, parseEvent } from "./envelope.ts";
import type { EventEnvelope } from "./registry.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("createEvent", () => {
  it("builds a validated envelope with a fresh id, the latest version and a UTC timestamp", () => {
    const data = sampleEventData("payment.created");
    const event = createEvent({ type: "payment.created", producer: "payments", subject: data.id, data });
    expect(event.id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(event.version).toBe(1);
    expect(event.occurred_at).toMatch(/Z$/);
    expect(event.data).toEqual(data);
    expect(event).not.toHaveProperty("traceparent");
    // Typed data: this line would not compile if `data` were unknown.
    expect(event.data.amount).toBe(1999);
    // A concrete event is a member of the envelope union a bus publishes.
    const envelope: EventEnvelope = event;
    expect(envelope.type).toBe("payment.created");
  });

  it("keeps a traceparent", () => {
    const data = sampleEventData("session.revoked");
    const event = createEvent({
      type: "session.revoked",
      producer: "auth",
      subject: data.user_id,
      data,
      traceparent: TRACEPARENT,
    });
    expect(event.traceparent).toBe(TRACEPARENT);
  });

  it("throws InvalidEventError naming the bad field", () => {
    const data = { ...sampleEventData("payment.created"), amount: -5 };
    expect(() =>
      createEvent({ type: "payment.created", producer: "payments", subject: data.id, data }),
    ).toThrow(InvalidEventError);
    expect(() =>
      createEvent({ type: "payment.created", producer: "payments", subject: data.id, data }),
    ).toThrow(/amount/);
  });

  it("rejects a bad envelope field", () => {
    const data = sampleEventData("user.registered");
    expect(() =>
      createEvent({ type: "user.registered", producer: "Auth Service", subject: data.id, data }),
    ).toThrow(/producer/);
    expect(() =>
      createEvent({ type: "user.registered", producer: "auth", subject: data.id, data, traceparent: "nope" }),
    ).toThrow(/traceparent/);
  });

  it("types data by event type at compile time and enforces it at run time", () => {
    const data = sampleEventData("user.registered");
    const event = createEvent({
      type: "user.registered",
      producer: "auth",
      subject: data.id,
      // @ts-expect-error amount is not a field of user.registered
      data: { ...data, amount: 5 },
    });
    expect(event.data).not.toHaveProperty("amount");
    expect(() =>
      // @ts-expect-error version 2 of user.registered is not registered
      createEvent({ type: "user.registered", version: 2, producer: "auth", subject: data.id, data }),
    ).toThrow(/unknown version 2/);
  });
});

describe("parseEvent", () => {
  const valid = () => {
    const data = sampleEventData("refund.succeeded");
    return createEvent({ type: "refund.succeeded", producer: "payments", subject: data.payment_id, data });
  };

  it("round-trips an event through JSON", () => {
    const event = valid();
    const result = parseEvent(JSON.parse(JSON.stringify(event)));
    expect(result).toEqual({ ok: true, event });
  });

  it("narrows data by type", () => {
    const result = parseEvent(JSON.parse(JSON.stringify(valid())));
    if (!result.ok) throw new Error(result.reason);
    const event: EventEnvelope = result.event;
    if (event.type !== "refund.succeeded") throw new Error("wrong type");
    expect(event.data.payment_id).toStartWith("pay_");
  });

  const poison: Array<[string, unknown, RegExp]> = [
    ["not an object", "hello", /invalid envelope/],
    ["null", null, /invalid envelope/],
    ["missing id", { ...valid(), id: undefined }, /invalid envelope: id/],
    ["foreign id", { ...valid(), id: newId("pay") }, /invalid envelope: id/],
    ["offset timestamp", { ...valid(), occurred_at: "2025-01-01T00:00:00+02:00" }, /occurred_at/],
    ["unknown type", { ...valid(), type: "payment.exploded" }, /unknown event type "payment.exploded"/],
    ["unknown version", { ...valid(), version: 7 }, /unknown version 7/],
    ["bad data", { ...valid(), data: { amount: "lots" } }, /invalid data for refund.succeeded v1/],
    ["missing data", { ...valid(), data: undefined }, /invalid data/],
  ];
  for (const [name, input, reason] of poison) {
    it(`reports ${name} as a reason`, () => {
      const result = parseEvent(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    });
  }

  it("keeps reasons short enough for a message header", () => {
    const result = parseEvent({
      ...valid(),
      data: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i])),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(600);
  });
});
