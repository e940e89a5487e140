import type { Id, Role } from "@payments/contracts";
import { and, asc, eq, ilike, or, type SQL } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import {
  type DirectoryUser,
  type PaymentRow,
  paymentAttempts,
  payments,
  paymentTransitions,
  refunds,
  userDirectory,
} from "./schema.ts";

/** One payment by id. */
export async function findPayment(db: PaymentsDb, id: Id<"pay">): Promise<PaymentRow | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row;
}

/** Whose payments a list or report covers: one user (optionally as payer or payee only), or everyone. */
export type PartyScope =
  | { kind: "all" }
  | { kind: "user"; userId: Id<"usr">; role?: "payer" | "payee" | undefined };

/** The SQL condition of a {@link PartyScope} (none for everyone). */
export function partyCondition(scope: PartyScope): SQL | undefined {
  if (scope.kind === "all") return undefined;
  if (scope.role === "payer") return eq(payments.payerId, scope.userId);
  if (scope.role === "payee") return eq(payments.payeeId, scope.userId);
  return or(eq(payments.payerId, scope.userId), eq(payments.payeeId, scope.userId));
}

/** Transitions, processor attempts and refunds of one payment, oldest first. */
export async function paymentHistory(db: PaymentsDb, paymentId: Id<"pay">) {
  const [transitions, attempts, refundRows] = await Promise.all([
    db
      .select()
      .from(paymentTransitions)
      .where(eq(paymentTransitions.paymentId, paymentId))
      .orderBy(asc(paymentTransitions.createdAt), asc(paymentTransitions.id)),
    db
      .select()
      .from(paymentAttempts)
      .where(eq(paymentAttempts.paymentId, paymentId))
      .orderBy(asc(paymentAttempts.attempt)),
    db
      .select()
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId))
      .orderBy(asc(refunds.createdAt), asc(refunds.id)),
  ]);
  return { transitions, attempts, refunds: refundRows };
}

/** `%`, `_` and `\` are wildcards in LIKE; a search for them must find them literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Active vendors with a verified e-mail address (only they can be paid) whose name contains `query` (case-insensitive), by name. With `byEmail` (admins) the
 * e-mail address is searched and returned too; anyone else could otherwise probe who has which address.
 */
export async function searchPayees(
  db: PaymentsDb,
  query: string | undefined,
  limit: number,
  opts: { byEmail: boolean },
): Promise<Pick<DirectoryUser, "id" | "name" | "email">[]> {
  const pattern = query ? `%${likeLiteral(query)}%` : undefined;
  const matches = pattern
    ? opts.byEmail
      ? or(ilike(userDirectory.name, pattern), ilike(userDirectory.email, pattern))
      : ilike(userDirectory.name, pattern)
    : undefined;
  return db
    .select({ id: userDirectory.id, name: userDirectory.name, email: userDirectory.email })
    .from(userDirectory)
    .where(
      and(
        eq(userDirectory.role, "vendor" satisfies Role),
        eq(userDirectory.active, true),
        eq(userDirectory.emailVerified, true),
        matches,
      ),
    )
    .orderBy(asc(userDirectory.name), asc(userDirectory.id))
    .limit(limit);
}
