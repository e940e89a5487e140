import type { Id } from "@payments/contracts";
import type { PreferencesView, ProfileView } from "@payments/contracts/http";
import type { PreferencesRow, ProfileRow } from "../db/schema.ts";
import {
  DEFAULT_PREFERENCES,
  type Notifications,
  type PreferencesPatch,
  type ProfilePatch,
} from "./fields.ts";

/** The profile and preferences as the API returns them: the contract's shapes (`@payments/contracts/http`). */
export type { PreferencesView, ProfileView };

/** Row → owner's view; null when the profile was anonymised or deleted (the owner gets 404). */
export function toProfileView(userId: Id<"usr">, row: ProfileRow | undefined): ProfileView | null {
  if (row && row.status !== "active") return null;
  return {
    user_id: userId,
    display_name: row ? (row.displayName ?? row.accountName) : null,
    avatar_url: row?.avatarUrl ?? null,
    phone: row?.phone ?? null,
    address: row?.address ?? null,
    bio: row?.bio ?? null,
    registered: Boolean(row?.registeredAt),
    created_at: row?.createdAt.toISOString() ?? null,
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

/** Row → view; the defaults when the user never changed a preference. */
export function toPreferencesView(row: PreferencesRow | undefined): PreferencesView {
  if (!row)
    return {
      ...DEFAULT_PREFERENCES,
      notifications: { ...DEFAULT_PREFERENCES.notifications },
      updated_at: null,
    };
  return {
    theme: row.theme,
    locale: row.locale,
    default_currency: row.defaultCurrency,
    notifications: row.notifications,
    updated_at: row.updatedAt.toISOString(),
  };
}

const PROFILE_COLUMNS = {
  display_name: "displayName",
  avatar_url: "avatarUrl",
  phone: "phone",
  address: "address",
  bio: "bio",
} as const satisfies Record<keyof ProfilePatch, keyof ProfileRow>;

// Deep and key-order blind: jsonb hands objects back with its own key order.
const same = (a: unknown, b: unknown) => Bun.deepEquals(a ?? null, b ?? null);

/** The columns a patch really changes and their API names (an empty bio becomes null). */
export function profileChanges(
  row: ProfileRow,
  patch: ProfilePatch,
): { set: Partial<ProfileRow>; fields: string[] } {
  const set: Record<string, unknown> = {};
  const fields: string[] = [];
  for (const [field, column] of Object.entries(PROFILE_COLUMNS) as Array<
    [keyof ProfilePatch, keyof ProfileRow]
  >) {
    if (!(field in patch)) continue;
    const raw = patch[field];
    const value = raw === "" || raw === undefined ? null : raw;
    if (same(row[column], value)) continue;
    set[column] = value;
    fields.push(field);
  }
  return { set: set as Partial<ProfileRow>, fields };
}

/** Preferences after a patch (notifications merged switch by switch) and the changed keys. */
export function preferenceChanges(
  current: PreferencesView,
  patch: PreferencesPatch,
): { next: Omit<PreferencesView, "updated_at">; fields: string[] } {
  const next = {
    theme: patch.theme ?? current.theme,
    locale: patch.locale ?? current.locale,
    default_currency:
      patch.default_currency === undefined ? current.default_currency : patch.default_currency,
    notifications: { ...current.notifications, ...patch.notifications },
  };
  const fields: string[] = [];
  for (const key of ["theme", "locale", "default_currency"] as const) {
    if (next[key] !== current[key]) fields.push(`preferences.${key}`);
  }
  for (const key of Object.keys(next.notifications) as Array<keyof Notifications>) {
    if (next.notifications[key] !== current.notifications[key])
      fields.push(`preferences.notifications.${key}`);
  }
  return { next, fields };
}
