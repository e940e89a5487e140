import { newId } from "@payments/contracts";
import { enqueueEvents } from "@payments/events";
import { type AuthDb, findUserByEmail, insertUser } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { userRegistered } from "../domain/events.ts";
import { checkNewPassword, PASSWORD_PROBLEM_MESSAGES } from "../domain/passwords.ts";
import { normalizeEmail, toPublicUser } from "../domain/users.ts";
import type { PasswordHasher } from "../security/passwords.ts";

/** What {@link ensureAdmin} did. */
export type SeedOutcome =
  | { kind: "created"; user: UserRow }
  | { kind: "exists"; user: UserRow }
  | { kind: "refused"; reason: string };

/**
 * Creates an admin account unless one with that email exists. An existing non-admin account is not
 * promoted behind anyone's back: that is an admin action with its own event and session revocation.
 */
export async function ensureAdmin(
  deps: { db: AuthDb; hasher: PasswordHasher; now: () => Date },
  input: { email: string; password: string; name: string },
): Promise<SeedOutcome> {
  const email = normalizeEmail(input.email);
  const existing = await findUserByEmail(deps.db, email);
  if (existing) {
    if (existing.role === "admin") return { kind: "exists", user: existing };
    return {
      kind: "refused",
      reason: `${email} exists with role ${existing.role}; change its role through the admin API`,
    };
  }
  const problem = checkNewPassword(input.password, { email, name: input.name });
  if (problem)
    return { kind: "refused", reason: `SEED_ADMIN_PASSWORD: ${PASSWORD_PROBLEM_MESSAGES[problem]}` };
  const passwordHash = await deps.hasher.hash(input.password);
  const now = deps.now();
  const user = await deps.db.transaction(async (tx) => {
    const row = await insertUser(tx, {
      id: newId("usr"),
      email,
      name: input.name,
      role: "admin",
      active: true,
      passwordHash,
      passwordChangedAt: now,
      // The operator typed the address into the environment: nothing to prove by mail.
      emailVerifiedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    if (row) await enqueueEvents(tx, [userRegistered(toPublicUser(row))]);
    return row;
  });
  if (!user) return { kind: "refused", reason: `${email} was registered concurrently` };
  return { kind: "created", user };
}
