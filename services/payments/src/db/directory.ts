import type { EventData, Id, Role } from "@payments/contracts";
import { newId } from "@payments/contracts";
import { and, eq, or, sql } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { payments, userDirectory } from "./schema.ts";

/** A user as `user.*` events describe them. */
export type UserSnapshot = EventData<"user.registered">;

/**
 * True when the read model knows `userId` as deactivated, false when as active, undefined when it has not
 * heard of them (registered a moment ago).
 */
export async function isKnownInactive(db: PaymentsDb, userId: Id<"usr">): Promise<boolean | undefined> {
  const [known] = await db
    .select({ active: userDirectory.active })
    .from(userDirectory)
    .where(eq(userDirectory.id, userId));
  return known ? !known.active : undefined;
}

/**
 * Writes a user into the read model unless a newer event already did: events of one user are emitted in
 * order, but a retried delivery can arrive after a later one.
 */
export async function upsertUser(db: PaymentsDb, user: UserSnapshot, occurredAt: string): Promise<void> {
  const fields = {
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    // Absent in events from before verification existed: those accounts count as verified.
    emailVerified: user.email_verified ?? true,
    sourceAt: new Date(occurredAt),
    updatedAt: new Date(),
  };
  await db
    .insert(userDirectory)
    .values({ id: user.id, ...fields })
    .onConflictDoUpdate({
      target: userDirectory.id,
      set: fields,
      setWhere: sql`${userDirectory.sourceAt} <= excluded.source_at`,
    });
}

/** Ids of the pending payments `userId` pays or receives. */
export async function pendingPaymentsOf(db: PaymentsDb, userId: Id<"usr">): Promise<Id<"pay">[]> {
  const rows = await db
    .select({ id: payments.id })
    .from(payments)
    .where(
      and(eq(payments.status, "pending"), or(eq(payments.payerId, userId), eq(payments.payeeId, userId))),
    );
  return rows.map((r) => r.id);
}

/** Active users of a role in the read model (the seed's payers and payees). */
export async function activeUsersWithRole(db: PaymentsDb, role: Role): Promise<Id<"usr">[]> {
  const rows = await db
    .select({ id: userDirectory.id })
    .from(userDirectory)
    .where(and(eq(userDirectory.role, role), eq(userDirectory.active, true)));
  return rows.map((r) => r.id);
}

/** Demo users go into the read model only, dated at the epoch so any real `user.*` event overrides them. */
export async function addDemoUsers(db: PaymentsDb, role: Role, names: readonly string[]): Promise<void> {
  await db.insert(userDirectory).values(
    names.map((name) => ({
      id: newId("usr"),
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@demo.invalid`,
      name,
      role,
      active: true,
      sourceAt: new Date(0),
    })),
  );
}
