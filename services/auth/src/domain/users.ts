import type { Role } from "@payments/contracts";
import type { UserView } from "@payments/contracts/http";
import type { UserRecord, UserRow } from "../db/schema.ts";

/** The user as the API shows it (and as `user.*` events carry it): the contract's `User`. */
export type PublicUser = UserView;

/** Emails are compared case-insensitively (and without surrounding spaces) everywhere. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Row → API shape. */
export function toPublicUser(row: UserRecord): PublicUser {
  return {
    id: row.id as PublicUser["id"],
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    created_at: row.createdAt.toISOString(),
    email_verified: row.emailVerifiedAt !== null,
  };
}

/** What an admin asked to change. */
export interface AdminUserPatch {
  role?: Role | undefined;
  active?: boolean | undefined;
}

/** The effect of an admin change: which fields really change, and whether sessions must end (and why). */
export interface AdminChangePlan {
  roleChange?: { from: Role; to: Role };
  activeChange?: { from: boolean; to: boolean };
  /** Sessions end on a role change (tokens carry the role) and on deactivation. */
  revokeReason?: "role_changed" | "user_deactivated";
}

/** Refusal of an admin change, mapped to 409 by the route. */
export type AdminChangeRefusal = "cannot_change_own_account";

/**
 * Plans an admin's change to a user. An admin may not change their own role or deactivate themselves:
 * that rule also guarantees the platform always keeps at least one active admin (the one acting).
 */
export function planAdminChange(
  actorId: string,
  target: Pick<UserRow, "id" | "role" | "active">,
  patch: AdminUserPatch,
): AdminChangePlan | AdminChangeRefusal {
  const plan: AdminChangePlan = {};
  if (patch.role !== undefined && patch.role !== target.role)
    plan.roleChange = { from: target.role, to: patch.role };
  if (patch.active !== undefined && patch.active !== target.active) {
    plan.activeChange = { from: target.active, to: patch.active };
  }
  if (actorId === target.id && (plan.roleChange || plan.activeChange)) return "cannot_change_own_account";
  if (plan.activeChange?.to === false) plan.revokeReason = "user_deactivated";
  else if (plan.roleChange) plan.revokeReason = "role_changed";
  return plan;
}
