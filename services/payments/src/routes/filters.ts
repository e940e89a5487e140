import type { exportQuery } from "@payments/contracts/http";
import { forbidden } from "@payments/service-kit";
import type { z } from "zod";
import type { Actor } from "../actions/payments.ts";
import type { PaymentFilter } from "../db/lists.ts";
import type { PartyScope } from "../db/queries.ts";

/** The filters the list and the export share, as validated by the contract. */
type FilterQuery = z.output<typeof exportQuery>;

/**
 * The filter a list or export query asks for, within what `actor` may see: their own payments, or for an
 * admin anyone's (`user_id`) or everyone's.
 */
export function filterOf(q: FilterQuery, actor: Actor): PaymentFilter {
  if (q.user_id && q.user_id !== actor.userId && actor.role !== "admin") {
    throw forbidden("Only admins can list other users' payments.");
  }
  const whose = q.user_id ?? (actor.role === "admin" ? undefined : actor.userId);
  const scope: PartyScope = whose ? { kind: "user", userId: whose, role: q.role } : { kind: "all" };
  return {
    scope,
    status: q.status,
    createdGte: q["created[gte]"] ? new Date(q["created[gte]"]) : undefined,
    createdLte: q["created[lte]"] ? new Date(q["created[lte]"]) : undefined,
    amountGte: q["amount[gte]"],
    amountLte: q["amount[lte]"],
    currency: q.currency,
    counterparty: q.counterparty,
    // A blank search is no search (a cleared search box sends `q=`).
    text: q.q || undefined,
  };
}
