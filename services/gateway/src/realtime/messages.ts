import { idSchema } from "@payments/contracts";
import { z } from "zod";

const userId = idSchema("usr");
const paymentId = idSchema("pay");
const ROLES = new Set(["customer", "vendor", "admin"]);

/** True for a well-formed room name: `broadcast`, `user:<usr_…>`, `role:<role>` or `payment:<pay_…>`. */
export function isRoomName(room: string): boolean {
  if (room === "broadcast") return true;
  const colon = room.indexOf(":");
  const kind = room.slice(0, colon);
  const rest = room.slice(colon + 1);
  if (kind === "user") return userId.safeParse(rest).success;
  if (kind === "role") return ROLES.has(rest);
  if (kind === "payment") return paymentId.safeParse(rest).success;
  return false;
}

const roomSchema = z
  .string()
  .max(100)
  .refine(isRoomName, { message: "Rooms are broadcast, user:<id>, role:<role> or payment:<id>." });

/**
 * What a client may send (ARCHITECTURE §7). Strict objects: an unknown field is an error, not silently
 * ignored, so a client bug shows up in development instead of as a missing subscription.
 */
export const clientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("subscribe"), room: roomSchema }),
  z.strictObject({ type: z.literal("unsubscribe"), room: roomSchema }),
  z.strictObject({ type: z.literal("ping") }),
]);

/** A validated client message. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** The error frame a socket gets for a message it should not have sent; the connection stays open. */
export interface ErrorFrame {
  type: "error";
  code: "invalid_json" | "invalid_message" | "binary_not_supported" | "forbidden_room" | "default_room";
  message: string;
  room?: string;
  issues?: { path: string; message: string }[];
}

/** Parses one text frame: the message, or the error frame to answer with. */
export function parseClientMessage(
  raw: string | Buffer,
): { ok: true; message: ClientMessage } | { ok: false; error: ErrorFrame } {
  if (typeof raw !== "string") {
    return {
      ok: false,
      error: { type: "error", code: "binary_not_supported", message: "Send JSON text frames." },
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: { type: "error", code: "invalid_json", message: "The frame is not JSON." } };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    error: {
      type: "error",
      code: "invalid_message",
      message: "Expected {type: subscribe|unsubscribe, room} or {type: ping}.",
      // Only paths and zod's own messages: nothing of the client's input is echoed back.
      issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join("."), message: i.message })),
    },
  };
}
