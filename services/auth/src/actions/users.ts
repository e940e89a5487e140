import type { Role } from "@payments/contracts";
import { newId } from "@payments/contracts";
import { withEvents } from "@payments/events";
import { ApiError, conflict, notFound, rateLimited } from "@payments/service-kit";
import { findUserByEmail, insertUser, lockUser, setPasswordHash, updateUser } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { userDeactivated, userRegistered, userRoleChanged, userUpdated } from "../domain/events.ts";
import { checkNewPassword, PASSWORD_PROBLEM_MESSAGES, type PasswordProblem } from "../domain/passwords.ts";
import { type AdminUserPatch, normalizeEmail, planAdminChange, toPublicUser } from "../domain/users.ts";
import type { AuthCore, ClientMeta } from "./core.ts";
import { queueVerificationMail } from "./mail.ts";
import { type PendingMfaLogin, startMfaChallenge } from "./mfa-login.ts";
import { createSession, type IssuedSession, revokeUserSessions, withAccessToken } from "./sessions.ts";

/** What a new account needs. */
export interface Registration {
  email: string;
  password: string;
  name: string;
  role: Extract<Role, "customer" | "vendor">;
}

function weakPassword(problem: PasswordProblem, param: string): ApiError {
  return new ApiError(
    400,
    "invalid_request",
    `password_${problem}`,
    PASSWORD_PROBLEM_MESSAGES[problem],
    param,
  );
}

/** Checks a new password and throws the 400 naming `param` when the policy refuses it. */
export function assertNewPassword(
  password: string,
  context: { email: string; name: string },
  param: string,
): void {
  const problem = checkNewPassword(password, context);
  if (problem) throw weakPassword(problem, param);
}

/**
 * Creates an account and its first session. The password is hashed before the email is checked, so a
 * taken email answers in the same time as a new one; the unique index settles races (409 for the loser).
 */
export async function registerUser(
  core: AuthCore,
  input: Registration,
  meta: ClientMeta,
): Promise<IssuedSession> {
  const wait = await core.throttle.registration(meta.ip);
  if (wait !== undefined)
    throw rateLimited(wait, "Too many registrations from this address; try again later.");
  const email = normalizeEmail(input.email);
  assertNewPassword(input.password, { email, name: input.name }, "password");
  const passwordHash = await core.hasher.hash(input.password);
  const now = core.now();
  const session = await withEvents(core, async (tx, emit) => {
    const user = await insertUser(tx, {
      id: newId("usr"),
      email,
      name: input.name,
      role: input.role,
      active: true,
      passwordHash,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    if (!user) throw conflict("email_taken", "An account with this email already exists.");
    emit(userRegistered(toPublicUser(user), meta.traceparent));
    // The verification mail commits with the account (docs/adr/0017): no account without its mail.
    await queueVerificationMail(core.mail, tx, user, meta.locale ?? "en", now);
    return createSession(core, tx, emit, user, meta);
  });
  core.mail.committed();
  return withAccessToken(core, session);
}

/** The one answer for an unknown email and a wrong password alike. */
function invalidCredentials(): ApiError {
  return new ApiError(401, "authentication", "invalid_credentials", "Email or password is incorrect.");
}

/**
 * Signs in. Throttled per account, per address and per (account, address) before any work; an unknown
 * email costs one argon2 verification like a known one and counts against the throttle the same way.
 * An account with two-factor gets a challenge instead of a session (`POST /login/2fa` finishes it).
 */
export async function loginUser(
  core: AuthCore,
  input: { email: string; password: string },
  meta: ClientMeta,
): Promise<IssuedSession | PendingMfaLogin> {
  const email = normalizeEmail(input.email);
  const wait = await core.throttle.loginRefusal(email, meta.ip);
  if (wait !== undefined) {
    throw rateLimited(wait, "Too many failed sign-in attempts; wait before trying again.");
  }
  const user = await findUserByEmail(core.db, email);
  const ok = await core.hasher.verify(input.password, user?.passwordHash);
  if (!user || !ok) {
    await core.throttle.loginFailed(email, meta.ip);
    throw invalidCredentials();
  }
  await core.throttle.loginSucceeded(email, meta.ip);
  // Only someone who knows the password learns that the account is deactivated.
  if (!user.active)
    throw new ApiError(403, "permission", "account_deactivated", "This account is deactivated.");
  if (core.hasher.needsRehash(user.passwordHash)) {
    await setPasswordHash(core.db, user.id, await core.hasher.hash(input.password), core.now(), false);
    await core.users.changed(user.id);
  }
  const pending = await startMfaChallenge(core, user);
  if (pending) return pending;
  const session = await withEvents(core, (tx, emit) => createSession(core, tx, emit, user, meta));
  return withAccessToken(core, session);
}

/**
 * Changes the password after checking the current one (throttled like a login, since a stolen access
 * token must not become a password oracle), then ends every other session of the user.
 */
export async function changePassword(
  core: AuthCore,
  args: { user: UserRow; sessionId: string; current: string; next: string },
  meta: ClientMeta,
): Promise<void> {
  const { user } = args;
  const wait = await core.throttle.loginRefusal(user.email, meta.ip);
  if (wait !== undefined) throw rateLimited(wait, "Too many failed attempts; wait before trying again.");
  if (!(await core.hasher.verify(args.current, user.passwordHash))) {
    await core.throttle.loginFailed(user.email, meta.ip);
    throw new ApiError(
      400,
      "invalid_request",
      "invalid_current_password",
      "The current password is incorrect.",
      "current_password",
    );
  }
  assertNewPassword(args.next, { email: user.email, name: user.name }, "new_password");
  if (args.next === args.current) {
    throw new ApiError(
      400,
      "invalid_request",
      "password_unchanged",
      "Choose a password different from the current one.",
      "new_password",
    );
  }
  const hash = await core.hasher.hash(args.next);
  await withEvents(core, async (tx, emit) => {
    await setPasswordHash(tx, user.id, hash, core.now(), true);
    // A security notice (docs/adr/0028): the notification centre tells the user, by mail too.
    emit(userUpdated(toPublicUser(user), ["password"], meta.traceparent));
    await revokeUserSessions(
      core,
      {
        userId: user.id,
        target: { allExcept: args.sessionId },
        reason: "password_changed",
        traceparent: meta.traceparent,
      },
      { db: tx, emit },
    );
  });
  await core.users.changed(user.id);
}

/**
 * An admin's change of role and/or active flag. Serialised per user (row lock); emits the matching events
 * and ends the user's sessions on a role change (tokens carry the role) or deactivation.
 */
export async function adminUpdateUser(
  core: AuthCore,
  args: { actorId: string; userId: string; patch: AdminUserPatch },
  meta: ClientMeta,
): Promise<UserRow> {
  const changed = await withEvents(core, async (tx, emit) => {
    const target = await lockUser(tx, args.userId);
    if (!target) throw notFound("No such user.", "user_not_found");
    const plan = planAdminChange(args.actorId, target, args.patch);
    if (plan === "cannot_change_own_account") {
      throw conflict(
        "cannot_change_own_account",
        "Admins cannot change their own role or deactivate themselves.",
      );
    }
    if (!plan.roleChange && !plan.activeChange) return target;
    const updated = await updateUser(
      tx,
      target.id,
      {
        ...(plan.roleChange ? { role: plan.roleChange.to } : {}),
        ...(plan.activeChange ? { active: plan.activeChange.to } : {}),
      },
      core.now(),
    );
    if (!updated) throw notFound("No such user.", "user_not_found");
    const user = toPublicUser(updated);
    const actor = args.actorId as typeof user.id;
    if (plan.roleChange) emit(userRoleChanged(user, plan.roleChange.from, actor, meta.traceparent));
    if (plan.activeChange?.to === false) emit(userDeactivated(user, actor, meta.traceparent));
    if (plan.activeChange?.to === true) emit(userUpdated(user, ["active"], meta.traceparent));
    if (plan.revokeReason) {
      await revokeUserSessions(
        core,
        { userId: target.id, target: {}, reason: plan.revokeReason, traceparent: meta.traceparent },
        { db: tx, emit },
      );
    }
    return updated;
  });
  // A deactivated or demoted user must not be served from the cache: forgotten once the change committed.
  await core.users.changed(args.userId);
  return changed;
}
