import { withEvents } from "@payments/events";
import { ApiError, conflict, rateLimited } from "@payments/service-kit";
import { consumeAccountToken, findAccountToken, setConfirmedEmail } from "../db/account-token-queries.ts";
import { findUserByEmail, lockUser } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { userUpdated } from "../domain/events.ts";
import { normalizeEmail, toPublicUser } from "../domain/users.ts";
import { hashRefreshToken, isRefreshTokenShape } from "../security/tokens.ts";
import type { AuthCore, ClientMeta } from "./core.ts";
import { issueTokenLink, queueMail, tokenHours } from "./mail.ts";
import { invalidToken, usableToken } from "./recovery.ts";

/**
 * Asks to move the account to `newEmail` (docs/adr/0028). Needs the current password (throttled like a
 * sign-in: a stolen access token must not be enough to take the account's mail over). Nothing changes yet:
 * the new address gets a link that confirms it, the current address is told. Until the link is opened the
 * account signs in, and is mailed, at its current address.
 */
export async function requestEmailChange(
  core: AuthCore,
  args: { user: UserRow; currentPassword: string; newEmail: string },
  meta: ClientMeta,
): Promise<{ pending_email: string }> {
  const { user } = args;
  const newEmail = normalizeEmail(args.newEmail);
  const wait = await core.throttle.loginRefusal(user.email, meta.ip);
  if (wait !== undefined) throw rateLimited(wait, "Too many failed attempts; wait before trying again.");
  if (!(await core.hasher.verify(args.currentPassword, user.passwordHash))) {
    await core.throttle.loginFailed(user.email, meta.ip);
    throw new ApiError(
      400,
      "invalid_request",
      "invalid_current_password",
      "The current password is incorrect.",
      "current_password",
    );
  }
  if (newEmail === user.email) {
    throw new ApiError(
      400,
      "invalid_request",
      "email_unchanged",
      "This is your address already.",
      "new_email",
    );
  }
  if (await findUserByEmail(core.db, newEmail)) {
    throw conflict("email_taken", "An account with this email already exists.");
  }
  const mailWait = await core.mail.throttle.consume("resend", user.id, meta.ip);
  if (mailWait !== undefined) throw rateLimited(mailWait, "Too many mails; try again later.");
  const locale = meta.locale ?? "en";
  const now = core.now();
  await core.db.transaction(async (tx) => {
    const link = await issueTokenLink(core.mail, tx, { id: user.id, email: newEmail }, "change_email", now);
    await queueMail(tx, {
      to: newEmail,
      template: "email_change_verify",
      locale,
      vars: { name: user.name, email: newEmail, link, hours: tokenHours("change_email") },
    });
    await queueMail(tx, {
      to: user.email,
      template: "email_changed",
      locale,
      vars: {
        name: user.name,
        email: newEmail,
        time: now.toISOString().slice(0, 16).replace("T", " "),
        link: `${core.mail.publicBaseUrl.replace(/\/$/, "")}/account/sessions`,
      },
    });
  });
  core.mail.committed();
  return { pending_email: newEmail };
}

/** True when `token` is a change-of-address link (the verification page posts both kinds to one route). */
export async function isEmailChangeToken(core: AuthCore, token: string): Promise<boolean> {
  if (!isRefreshTokenShape(token)) return false;
  const found = await findAccountToken(core.db, hashRefreshToken(token));
  return found?.token.purpose === "change_email";
}

/**
 * Confirms a change of address with the link mailed to the new one: uses the token (once), moves the
 * account to that address, verified, and emits `user.updated` (changed: email). 409 `email_taken` when
 * another account took the address meanwhile (the link then keeps working, should that account go).
 */
export async function confirmEmailChange(core: AuthCore, token: string, meta: ClientMeta): Promise<UserRow> {
  const { hash, user } = await usableToken(core, token, "change_email");
  const found = await findAccountToken(core.db, hash);
  if (!found) throw invalidToken();
  const newEmail = found.token.email;
  const confirmed = await withEvents(core, async (tx, emit) => {
    const now = core.now();
    if (!(await consumeAccountToken(tx, hash, "change_email", now))) throw invalidToken();
    const locked = await lockUser(tx, user.id);
    if (!locked?.active) throw invalidToken();
    const holder = await findUserByEmail(tx, newEmail);
    if (holder && holder.id !== user.id) {
      throw conflict("email_taken", "An account with this email already exists.");
    }
    const moved = await setConfirmedEmail(tx, user.id, newEmail, now);
    if (!moved) throw invalidToken();
    emit(userUpdated(toPublicUser(moved), ["email"], meta.traceparent));
    return moved;
  });
  await core.users.changed(user.id);
  return confirmed;
}
