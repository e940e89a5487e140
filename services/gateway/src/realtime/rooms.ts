import { type EventEnvelope, idSchema } from "@payments/contracts";

const paymentId = idSchema("pay");

/** Who a socket belongs to (from the ticket it connected with). */
export interface SocketIdentity {
  userId: string;
  role: "customer" | "vendor" | "admin";
  sessionId: string;
}

/** Parties of a payment, learnt from the payment events this gateway relays. */
export interface PaymentParties {
  payerId: string;
  payeeId: string;
}

/** Rooms every socket joins at connect (ARCHITECTURE §7); `payment:<id>` is joined on request. */
export function defaultRooms(identity: SocketIdentity): string[] {
  return [`user:${identity.userId}`, `role:${identity.role}`, "broadcast"];
}

/**
 * Where an event goes. Payment and refund events reach both parties, the payment's room and the admins;
 * user and profile events reach that user and the admins; config changes reach everyone. Admins see every
 * event (their dashboard moves with the platform) except notifications, which only their reader gets, and
 * API-key calls, which go to no socket.
 */
export function roomsForEvent(event: EventEnvelope): string[] {
  // A notification is its reader's alone (docs/adr/0028): not even the admins' room gets it.
  if (event.type === "notification.created") return [`user:${event.data.user_id}`];
  // One per API-key call, for the audit log (docs/adr/0033): no screen follows them live.
  if (event.type === "api_key.used") return [];
  const rooms = new Set<string>(["role:admin"]);
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.failed":
    case "payment.canceled":
      rooms
        .add(`user:${event.data.payer_id}`)
        .add(`user:${event.data.payee_id}`)
        .add(`payment:${event.data.id}`);
      break;
    case "refund.succeeded":
    case "refund.failed":
      rooms
        .add(`user:${event.data.payer_id}`)
        .add(`user:${event.data.payee_id}`)
        .add(`payment:${event.data.payment_id}`);
      break;
    case "user.registered":
    case "user.updated":
    case "user.role_changed":
    case "user.deactivated":
      rooms.add(`user:${event.data.id}`);
      break;
    case "session.revoked":
    case "profile.updated":
      rooms.add(`user:${event.data.user_id}`);
      break;
    case "config.updated":
      rooms.add("broadcast");
      break;
  }
  return [...rooms];
}

/** The parties an event reveals, so later `payment:<id>` joins can be authorised without a lookup. */
export function partiesFromEvent(event: EventEnvelope): [string, PaymentParties] | undefined {
  switch (event.type) {
    case "payment.created":
    case "payment.processing":
    case "payment.succeeded":
    case "payment.failed":
    case "payment.canceled":
      return [event.data.id, { payerId: event.data.payer_id, payeeId: event.data.payee_id }];
    default:
      return undefined;
  }
}

/**
 * May this socket join `room` (already validated by `isRoomName`)? Its own `user:`/`role:` rooms and
 * `broadcast` (which it is in from the start); `payment:<id>` only for the payment's payer, payee or an
 * admin — and only once this gateway has seen the payment (until then the user still gets its events
 * through `user:<id>`). Someone else's `user:` room and another role's room: never, admins included (they
 * already get every event through `role:admin`).
 */
export function mayJoin(
  identity: SocketIdentity,
  room: string,
  parties: (paymentId: string) => PaymentParties | undefined,
): boolean {
  if (defaultRooms(identity).includes(room)) return true;
  if (!room.startsWith("payment:")) return false;
  const id = paymentId.safeParse(room.slice("payment:".length));
  if (!id.success) return false;
  if (identity.role === "admin") return true;
  const known = parties(id.data);
  return known !== undefined && (known.payerId === identity.userId || known.payeeId === identity.userId);
}
