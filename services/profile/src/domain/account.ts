import type { EventOf } from "@payments/contracts";
import type { ProfileRow } from "../db/schema.ts";

/** The account events the profile service consumes. */
export type AccountEvent = EventOf<"user.registered"> | EventOf<"user.updated"> | EventOf<"user.deactivated">;

/** What `user.deactivated` does to a profile (`PROFILE_DEACTIVATION_POLICY`). */
export type DeactivationPolicy = "anonymise" | "delete";

/** Changes an account event makes to a profile. */
export interface AccountPlan {
  set: Partial<ProfileRow>;
  /** Delete the user's preferences too (policy `delete`). */
  dropPreferences: boolean;
  /** Profile fields whose value others could see changed (for `profile.updated`); empty: none. */
  changedFields: string[];
}

/** Personal fields scrubbed on deactivation, by API name → column. */
const PERSONAL = {
  display_name: "displayName",
  avatar_url: "avatarUrl",
  phone: "phone",
  address: "address",
  bio: "bio",
} as const satisfies Record<string, keyof ProfileRow>;

/**
 * True when `event` is newer than the last account event applied: by `occurred_at`, then by event id
 * (ULIDs of one producer sort in creation order), so two events of the same millisecond still order.
 */
export function isNewer(
  row: Pick<ProfileRow, "accountEventAt" | "accountEventId">,
  event: AccountEvent,
): boolean {
  if (!row.accountEventAt || !row.accountEventId) return true;
  const at = new Date(event.occurred_at).getTime();
  const last = row.accountEventAt.getTime();
  return at > last || (at === last && event.id > row.accountEventId);
}

function scrub(row: ProfileRow, policy: DeactivationPolicy, at: Date): AccountPlan {
  const set: Partial<ProfileRow> = {
    status: policy === "delete" ? "deleted" : "anonymised",
    deactivatedAt: at,
    accountName: null,
    accountEmail: null,
  };
  const changedFields = ["status"];
  for (const [field, column] of Object.entries(PERSONAL)) {
    if (row[column] !== null) changedFields.push(field);
    set[column] = null;
  }
  if (policy === "delete") changedFields.push("preferences");
  return { set, dropPreferences: policy === "delete", changedFields };
}

/**
 * What an account event does to a profile, or undefined for nothing. A stale event (older than one already
 * applied) changes nothing, except that a late `user.registered` still records that registration arrived
 * and fills in a name that nothing newer provided.
 */
export function planAccountEvent(
  row: ProfileRow,
  event: AccountEvent,
  policy: DeactivationPolicy,
): AccountPlan | undefined {
  const at = new Date(event.occurred_at);
  const newer = isNewer(row, event);
  const mark: Partial<ProfileRow> = newer ? { accountEventAt: at, accountEventId: event.id } : {};
  const active = row.status === "active";
  // The shown name changes when the account name changes and the owner set none. The first name a profile
  // gets (its creation) is not announced: `user.registered` already says it.
  const nameChange = (name: string): string[] =>
    active && row.displayName === null && row.accountName !== null && row.accountName !== name
      ? ["display_name"]
      : [];

  const deactivate = (): AccountPlan => {
    if (!active) return { set: mark, dropPreferences: false, changedFields: [] };
    const plan = scrub(row, policy, at);
    return { ...plan, set: { ...plan.set, ...mark } };
  };

  switch (event.type) {
    case "user.registered": {
      const fillName = active && (newer || row.accountName === null);
      const set: Partial<ProfileRow> = {
        ...mark,
        registeredAt: row.registeredAt ?? at,
        ...(fillName ? { accountName: event.data.name, accountEmail: event.data.email } : {}),
      };
      return { set, dropPreferences: false, changedFields: fillName ? nameChange(event.data.name) : [] };
    }
    case "user.updated": {
      if (!newer) return undefined;
      // Auth announces deactivation with its own event; an update saying inactive means the same.
      if (!event.data.active) return deactivate();
      if (!active) {
        // Reactivated after a deactivation: the profile starts again from the account.
        return {
          set: {
            ...mark,
            status: "active",
            deactivatedAt: null,
            accountName: event.data.name,
            accountEmail: event.data.email,
          },
          dropPreferences: false,
          changedFields: ["status"],
        };
      }
      return {
        set: { ...mark, accountName: event.data.name, accountEmail: event.data.email },
        dropPreferences: false,
        changedFields: nameChange(event.data.name),
      };
    }
    case "user.deactivated":
      return newer ? deactivate() : undefined;
  }
}
