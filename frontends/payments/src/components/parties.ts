import type { Payment, Role } from "@payments/api-client";

/** Shown when the directory has not heard of a user yet (they registered a moment ago). */
export const UNKNOWN_NAME = "Unknown user";

/** Which side of a payment the viewer stands on; admins watch from outside. */
export type Side = "payer" | "payee" | "observer";

/** The viewer's side of `payment` (an admin who is neither party observes). */
export function sideOf(payment: Payment, userId: string | undefined): Side {
  if (payment.payer_id === userId) return "payer";
  if (payment.payee_id === userId) return "payee";
  return "observer";
}

export const payerName = (p: Payment): string => p.payer_name ?? UNKNOWN_NAME;
export const payeeName = (p: Payment): string => p.payee_name ?? UNKNOWN_NAME;

/** The other party, as the viewer names them: whom a customer paid, who paid a vendor. */
export function counterparty(p: Payment, side: Side): { id: string; name: string } | undefined {
  if (side === "payer") return { id: p.payee_id, name: payeeName(p) };
  if (side === "payee") return { id: p.payer_id, name: payerName(p) };
  return undefined;
}

/** How a payment is named in a list when it has no description: its amount and the people involved. */
export function paymentTitle(p: Payment, side: Side, amount: string): string {
  if (p.description) return p.description;
  if (side === "payer") return `${amount} to ${payeeName(p)}`;
  if (side === "payee") return `${amount} from ${payerName(p)}`;
  return `${amount} from ${payerName(p)} to ${payeeName(p)}`;
}

/** The list's party columns for a role: customers see whom they paid, vendors who paid them, admins both. */
export function partyColumns(role: Role | undefined): ("From" | "To")[] {
  if (role === "customer") return ["To"];
  if (role === "vendor") return ["From"];
  return ["From", "To"];
}
