import { createEvent, type Id } from "@payments/contracts";
import { notFound } from "@payments/service-kit";
import { PRODUCER, type ProfileCore, userTag, withUserEvents } from "../core.ts";
import {
  findPreferences,
  findProfile,
  lockOrCreateProfile,
  savePreferences,
  updateProfile,
} from "../db/queries.ts";
import type { PreferencesPatch, ProfilePatch } from "../domain/fields.ts";
import {
  type PreferencesView,
  type ProfileView,
  preferenceChanges,
  profileChanges,
  toPreferencesView,
  toProfileView,
} from "../domain/views.ts";

/** 404 for a profile that was anonymised or deleted after the user's deactivation. */
function profileGone() {
  return notFound("This profile no longer exists.", "profile_not_found");
}

/** The owner's view of an active profile. */
function activeView(userId: Id<"usr">, row: Parameters<typeof toProfileView>[1]): ProfileView {
  const view = toProfileView(userId, row);
  if (!view) throw profileGone();
  return view;
}

/** `profile.updated` naming the changed fields. */
export function profileUpdated(userId: Id<"usr">, fields: string[], at: Date, traceparent?: string) {
  return createEvent({
    type: "profile.updated",
    producer: PRODUCER,
    subject: userId,
    data: { user_id: userId, fields, updated_at: at.toISOString() },
    traceparent,
  });
}

/** The caller's profile (cached until it changes); defaults before anything is stored. */
export async function readProfile(core: ProfileCore, userId: Id<"usr">): Promise<ProfileView> {
  const view = await core.cache.wrap(
    `profile:${userId}`,
    async () => toProfileView(userId, await findProfile(core.db, userId)),
    { ttlMs: core.cacheTtlMs, tags: [userTag(userId)] },
  );
  if (!view) throw profileGone();
  return view;
}

/** The caller's preferences (cached until they change); the defaults when never changed. */
export async function readPreferences(core: ProfileCore, userId: Id<"usr">): Promise<PreferencesView> {
  const cached = await core.cache.wrap(
    `preferences:${userId}`,
    async () => {
      const profile = await findProfile(core.db, userId);
      if (profile && profile.status !== "active") return null;
      return toPreferencesView(await findPreferences(core.db, userId));
    },
    { ttlMs: core.cacheTtlMs, tags: [userTag(userId)] },
  );
  if (!cached) throw profileGone();
  return cached;
}

/**
 * The owner's update of their own profile. Creates the row when the user's registration has not reached
 * this service yet (the update must not be lost; the registration then only fills what is missing).
 */
export async function updateOwnProfile(
  core: ProfileCore,
  userId: Id<"usr">,
  patch: ProfilePatch,
  traceparent: string | undefined,
): Promise<ProfileView> {
  return withUserEvents(core, userId, async (tx, emit) => {
    const now = core.now();
    const row = await lockOrCreateProfile(tx, userId, now);
    if (row.status !== "active") throw profileGone();
    const { set, fields } = profileChanges(row, patch);
    if (fields.length === 0) return activeView(userId, row);
    const updated = await updateProfile(tx, userId, set, now);
    emit(profileUpdated(userId, fields, now, traceparent));
    return activeView(userId, updated);
  });
}

/** The owner's update of their preferences (same rules as the profile). */
export async function updateOwnPreferences(
  core: ProfileCore,
  userId: Id<"usr">,
  patch: PreferencesPatch,
  traceparent: string | undefined,
): Promise<PreferencesView> {
  return withUserEvents(core, userId, async (tx, emit) => {
    const now = core.now();
    const row = await lockOrCreateProfile(tx, userId, now);
    if (row.status !== "active") throw profileGone();
    const current = toPreferencesView(await findPreferences(tx, userId));
    const { next, fields } = preferenceChanges(current, patch);
    if (fields.length === 0) return current;
    await savePreferences(tx, {
      userId,
      theme: next.theme,
      locale: next.locale,
      defaultCurrency: next.default_currency,
      notifications: next.notifications,
      updatedAt: now,
    });
    emit(profileUpdated(userId, fields, now, traceparent));
    return { ...next, updated_at: now.toISOString() };
  });
}
