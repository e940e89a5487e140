import type { Database } from "@payments/db";
import { eq } from "drizzle-orm";
import { type PreferencesRow, type ProfileRow, type ProfileSchema, preferences, profiles } from "./schema.ts";

/** The profile database (or a transaction on it). */
export type ProfileDb = Database<ProfileSchema>;

/**
 * The user's profile row, created empty if it does not exist yet, locked for the rest of the transaction.
 * Insert-then-lock is race-free: of two first writers (an event and the owner's update) one inserts, both
 * then serialise on the row lock.
 */
export async function lockOrCreateProfile(tx: ProfileDb, userId: string, now: Date): Promise<ProfileRow> {
  await tx
    .insert(profiles)
    .values({ userId, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: profiles.userId });
  const [row] = await tx.select().from(profiles).where(eq(profiles.userId, userId)).for("update");
  if (!row) throw new Error(`profile ${userId} vanished inside its transaction`);
  return row;
}

/** Applies changes to a profile row; returns the row after. */
export async function updateProfile(
  tx: ProfileDb,
  userId: string,
  set: Partial<ProfileRow>,
  now: Date,
): Promise<ProfileRow> {
  const [row] = await tx
    .update(profiles)
    .set({ ...set, updatedAt: now })
    .where(eq(profiles.userId, userId))
    .returning();
  if (!row) throw new Error(`profile ${userId} vanished inside its transaction`);
  return row;
}

/** The profile row, if any. */
export async function findProfile(db: ProfileDb, userId: string): Promise<ProfileRow | undefined> {
  const [row] = await db.select().from(profiles).where(eq(profiles.userId, userId));
  return row;
}

/** The preferences row, if the user ever changed a preference. */
export async function findPreferences(db: ProfileDb, userId: string): Promise<PreferencesRow | undefined> {
  const [row] = await db.select().from(preferences).where(eq(preferences.userId, userId));
  return row;
}

/** Stores the user's preferences (insert or replace). */
export async function savePreferences(tx: ProfileDb, row: PreferencesRow): Promise<void> {
  const { userId: _id, ...rest } = row;
  await tx.insert(preferences).values(row).onConflictDoUpdate({ target: preferences.userId, set: rest });
}

/** Deletes the user's preferences. */
export async function deletePreferences(tx: ProfileDb, userId: string): Promise<void> {
  await tx.delete(preferences).where(eq(preferences.userId, userId));
}
