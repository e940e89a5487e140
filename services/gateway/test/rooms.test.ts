import { describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { roomsForEvent } from "../src/realtime/rooms.ts";

describe("rooms for an event", () => {
  test("an API-key call (api_key.used, the audit log's) goes to no socket", () => {
    const event = createEvent({
      type: "api_key.used",
      producer: "gateway",
      subject: "apk_x",
      data: sampleEventData("api_key.used"),
    });
    expect(roomsForEvent(event)).toEqual([]);
  });

  test("a notification goes to its reader's room only, not even to the admins' (docs/adr/0028)", () => {
    const reader = newId("usr");
    const event = createEvent({
      type: "notification.created",
      producer: "profile",
      subject: reader,
      data: {
        user_id: reader,
        id: newId("ntf"),
        kind: "payment_received",
        created_at: new Date().toISOString(),
      },
    });
    expect(roomsForEvent(event)).toEqual([`user:${reader}`]);
  });

  test("other events still reach the admins too", () => {
    const user = newId("usr");
    const event = createEvent({
      type: "profile.updated",
      producer: "profile",
      subject: user,
      data: { user_id: user, fields: ["display_name"], updated_at: new Date().toISOString() },
    });
    expect(roomsForEvent(event).sort()).toEqual(["role:admin", `user:${user}`]);
  });
});
