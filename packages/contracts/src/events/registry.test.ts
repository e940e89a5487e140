import { describe, expect, it } from "bun:test";
import { sampleEventData } from "../testing/samples.ts";
import { EVENT_TYPES, eventDataSchema, eventRegistry, isEventType, latestVersion } from "./registry.ts";

// ARCHITECTURE §1's list plus session.started (docs/adr/0006: the dashboard's active sessions need it) and
// user.two_factor_changed (docs/adr/0018: a security notice) and user.invited (docs/adr/0017: the audit
// log records who invited whom) and notification.created (docs/adr/0028: the bell rises live) and
// api_key.used (docs/adr/0033: every call made with a key is in the audit log).
const ARCHITECTURE_EVENTS = [
  "session.started",
  "user.two_factor_changed",
  "user.registered",
  "user.updated",
  "user.role_changed",
  "user.deactivated",
  "user.invited",
  "session.revoked",
  "payment.created",
  "payment.processing",
  "payment.succeeded",
  "payment.failed",
  "payment.canceled",
  "refund.succeeded",
  "refund.failed",
  "config.updated",
  "profile.updated",
  "notification.created",
  "api_key.used",
];

describe("eventRegistry", () => {
  it("registers exactly the events of ARCHITECTURE §1 and ADRs 0006 and 0018", () => {
    const registered: string[] = [...EVENT_TYPES].sort();
    expect(registered).toEqual([...ARCHITECTURE_EVENTS].sort());
  });

  it("has a schema for every type's latest version, and the samples pass it", () => {
    for (const type of EVENT_TYPES) {
      const schema = eventDataSchema(type, latestVersion(type));
      expect(schema).toBeDefined();
      const result = schema?.safeParse(sampleEventData(type));
      expect({ type, success: result?.success }).toEqual({ type, success: true });
    }
  });

  it("answers undefined for unknown types and versions, including prototype keys", () => {
    expect(eventDataSchema("payment.exploded", 1)).toBeUndefined();
    expect(eventDataSchema("payment.created", 2)).toBeUndefined();
    expect(eventDataSchema("constructor", 1)).toBeUndefined();
    expect(isEventType("toString")).toBe(false);
    expect(isEventType("payment.created")).toBe(true);
    expect(Object.keys(eventRegistry)).toHaveLength(ARCHITECTURE_EVENTS.length);
  });
});

describe("data schemas", () => {
  it("pin the status of payment transitions", () => {
    const schema = eventDataSchema("payment.succeeded", 1);
    expect(schema?.safeParse({ ...sampleEventData("payment.succeeded"), status: "pending" }).success).toBe(
      false,
    );
  });

  it("reject refunds above the amount", () => {
    const data = { ...sampleEventData("payment.succeeded"), amount: 100, amount_refunded: 101 };
    expect(eventDataSchema("payment.succeeded", 1)?.safeParse(data).success).toBe(false);
  });

  it("reject float amounts, uppercase currencies and IDs of the wrong kind", () => {
    const schema = eventDataSchema("payment.created", 1);
    const base = sampleEventData("payment.created");
    expect(schema?.safeParse({ ...base, amount: 19.99 }).success).toBe(false);
    expect(schema?.safeParse({ ...base, currency: "USD" }).success).toBe(false);
    expect(schema?.safeParse({ ...base, payer_id: base.id }).success).toBe(false);
  });

  it("require user.deactivated to carry an inactive user", () => {
    const schema = eventDataSchema("user.deactivated", 1);
    expect(schema?.safeParse({ ...sampleEventData("user.deactivated"), active: true }).success).toBe(false);
  });

  it("strip unknown fields (tolerant reader) instead of rejecting them", () => {
    const schema = eventDataSchema("profile.updated", 1);
    const result = schema?.safeParse({ ...sampleEventData("profile.updated"), added_later: 1 });
    expect(result?.success).toBe(true);
    expect(result?.data).not.toHaveProperty("added_later");
  });
});
