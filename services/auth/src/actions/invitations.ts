import { createEvent, type Id, newId, type Role } from "@payments/contracts";
import { withEvents } from "@payments/events";
import type { MailLocale } from "@payments/mail";
import { conflict, unauthenticated } from "@payments/service-kit";
import { consumeAccountToken, markEmailVerified } from "../db/account-token-queries.ts";
import { findUserById, insertUser, lockUser, setPasswordHash } from "../db/queries.ts";
import { PRODUCER, userRegistered } from "../domain/events.ts";
import { normalizeEmail, type PublicUser, toPublicUser } from "../domain/users.ts";
import { newRefreshToken } from "../security/tokens.ts";
import type { AuthCore, ClientMeta } from "./core.ts";
import { issueTokenLink, queueMail, tokenHours } from "./mail.ts";
import { invalidToken, usableToken } from "./recovery.ts";
import { createSession, type IssuedSession, withAccessToken } from "./sessions.ts";
import { assertNewPassword } from "./users.ts";

/** What an admin invites. */
export interface Invitation {
  email: string;
  name: string;
  role: Role;
  locale?: MailLocale | undefined;
}

/** `user.invited`: who invited whom (the admin service's audit log records it). */
function userInvited(user: PublicUser, invitedBy: Id<"usr">, traceparent?: string) {
  return createEvent({
    type: "user.invited",
    producer: PRODUCER,
    subject: user.id,
    data: { ...user, invited_by: invitedBy },
    traceparent,
  });
}

/**
 * Creates an invited account and queues its invitation mail, in one transaction with `user.invited`. The
 * account has no usable password (the hash of a random secret nobody learns) until the invited person
 * sets one through the link; until then signing in fails like any wrong password.
 */
export async function inviteUser(
  core: AuthCore,
  actorId: string,
  input: Invitation,
  meta: ClientMeta,
): Promise<PublicUser> {
  const inviter = await findUserById(core.db, actorId);
  if (!inviter) throw unauthenticated();
  const email = normalizeEmail(input.email);
  const unusable = await core.hasher.hash(newRefreshToken());
  const user = await withEvents(core, async (tx, emit) => {
    const now = core.now();
    const row = await insertUser(tx, {
      id: newId("usr"),
      email,
      name: input.name,
      role: input.role,
      active: true,
      passwordHash: unusable,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    if (!row) throw conflict("email_taken", "An account with this email already exists.");
    const link = await issueTokenLink(core.mail, tx, row, "invitation", now);
    await queueMail(tx, {
      to: row.email,
      template: "invitation",
      locale: input.locale ?? meta.locale ?? "en",
      vars: { name: row.name, inviter: inviter.name, role: row.role, link, hours: tokenHours("invitation") },
    });
    const view = toPublicUser(row);
    emit(userInvited(view, inviter.id as Id<"usr">, meta.traceparent));
    return view;
  });
  core.mail.committed();
  return user;
}

/**
 * Sets the password of an invited account and signs it in. The link reached the address, so it counts as
 * verified; `user.registered` tells the other services the account is now in use.
 */
export async function acceptInvitation(
  core: AuthCore,
  input: { token: string; password: string },
  meta: ClientMeta,
): Promise<IssuedSession> {
  const { hash, user } = await usableToken(core, input.token, "invitation");
  assertNewPassword(input.password, { email: user.email, name: user.name }, "password");
  const passwordHash = await core.hasher.hash(input.password);
  const session = await withEvents(core, async (tx, emit) => {
    const now = core.now();
    if (!(await consumeAccountToken(tx, hash, "invitation", now))) throw invalidToken();
    const locked = await lockUser(tx, user.id);
    if (!locked?.active) throw invalidToken();
    await setPasswordHash(tx, user.id, passwordHash, now, true);
    const current = (await markEmailVerified(tx, user.id, locked.email, now)) ?? locked;
    emit(userRegistered(toPublicUser(current), meta.traceparent));
    return createSession(core, tx, emit, current, meta);
  });
  await core.users.changed(user.id);
  return withAccessToken(core, session);
}
