import type { Id } from "@payments/contracts";
import { withEvents } from "@payments/events";
import { ApiError, conflict, rateLimited, unauthenticated } from "@payments/service-kit";
import { consumeAccountToken, findAccountToken, markEmailVerified } from "../db/account-token-queries.ts";
import type { AccountTokenPurpose } from "../db/mail-schema.ts";
import { findUserByEmail, findUserById, lockUser, setPasswordHash } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { ACCOUNT_TOKEN_TTL_MS, tokenRefusal } from "../domain/account-tokens.ts";
import { userUpdated } from "../domain/events.ts";
import { normalizeEmail, toPublicUser } from "../domain/users.ts";
import { hashRefreshToken, isRefreshTokenShape } from "../security/tokens.ts";
import type { AuthCore, ClientMeta } from "./core.ts";
import { confirmEmailChange, isEmailChangeToken } from "./email-change.ts";
import { issueTokenLink, queueMail, queueVerificationMail } from "./mail.ts";
import { revokeUserSessions } from "./sessions.ts";
import { assertNewPassword } from "./users.ts";

/** The one answer for every token that cannot be used: unknown, used, expired, forged or malformed. */
export function invalidToken(): ApiError {
  return new ApiError(
    400,
    "invalid_request",
    "invalid_token",
    "This link is invalid or has expired. Ask for a new one.",
    "token",
  );
}

/**
 * Looks a presented token up and checks it may be used now for `purpose`, without using it (a request that
 * then fails its password check leaves the link working). Throws the uniform {@link invalidToken}.
 */
export async function usableToken(
  core: AuthCore,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ hash: string; user: UserRow }> {
  if (!isRefreshTokenShape(token)) throw invalidToken();
  const hash = hashRefreshToken(token);
  const found = await findAccountToken(core.db, hash);
  const refusal = tokenRefusal(found?.token, found?.user, purpose, core.now());
  if (refusal || !found) {
    core.logger.info({ refusal, purpose }, "account token refused");
    throw invalidToken();
  }
  return { hash, user: found.user };
}

/**
 * Confirms the address a verification mail went to. Uses the token (once), marks the user verified and
 * emits `user.updated` (changed: email_verified), from which payments learns the user may now pay.
 */
export async function verifyEmail(core: AuthCore, token: string, meta: ClientMeta): Promise<UserRow> {
  // A change-of-address link opens the same page (docs/adr/0028).
  if (await isEmailChangeToken(core, token)) return confirmEmailChange(core, token, meta);
  const { hash, user } = await usableToken(core, token, "verify_email");
  const result = await withEvents(core, async (tx, emit) => {
    const now = core.now();
    if (!(await consumeAccountToken(tx, hash, "verify_email", now))) throw invalidToken();
    const verified = await markEmailVerified(tx, user.id, user.email, now);
    if (!verified) {
      // Verified already (by another link, a reset or an invitation): the link did what it was for.
      const current = await findUserById(tx, user.id);
      if (!current) throw invalidToken();
      return current;
    }
    emit(userUpdated(toPublicUser(verified), ["email_verified"], meta.traceparent));
    return verified;
  });
  await core.users.changed(user.id);
  return result;
}

/** Sends the signed-in user's verification mail again (throttled per account and per client address). */
export async function resendVerification(core: AuthCore, userId: string, meta: ClientMeta): Promise<void> {
  const user = await findUserById(core.db, userId);
  if (!user) throw unauthenticated();
  if (user.emailVerifiedAt) {
    throw conflict("email_already_verified", "This e-mail address is verified already.");
  }
  const wait = await core.mail.throttle.consume("resend", user.id, meta.ip);
  if (wait !== undefined) throw rateLimited(wait, "Too many verification mails; try again later.");
  await core.db.transaction((tx) =>
    queueVerificationMail(core.mail, tx, user, meta.locale ?? "en", core.now()),
  );
  core.mail.committed();
}

/**
 * Starts a password reset for `email`. Whether or not an account has that address, the caller gets the
 * same answer after the same work (the throttle, then handing the rest to the background), so neither
 * the body nor the timing tells them; only the mailbox's owner learns the outcome.
 */
export async function forgotPassword(core: AuthCore, rawEmail: string, meta: ClientMeta): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const wait = await core.mail.throttle.consume("forgot", email, meta.ip);
  if (wait !== undefined) throw rateLimited(wait, "Too many reset requests; try again later.");
  core.mail.background.run("password reset mail", async () => {
    const user = await findUserByEmail(core.db, email);
    if (!user?.active) return;
    await core.db.transaction(async (tx) => {
      const link = await issueTokenLink(core.mail, tx, user, "reset_password", core.now());
      await queueMail(tx, {
        to: user.email,
        template: "password_reset",
        locale: meta.locale ?? "en",
        vars: { name: user.name, link, minutes: ACCOUNT_TOKEN_TTL_MS.reset_password / 60_000 },
      });
    });
    core.mail.committed();
  });
}

/**
 * Sets a new password with a reset token: checks the token and the password (a refused password leaves
 * the link working), hashes outside any transaction, then in one transaction uses the token, stores the
 * password, counts the address as verified (the mail reached it), ends every session of the user (their
 * `session.revoked` closes the sockets) and queues the notice mail.
 */
export async function resetPassword(
  core: AuthCore,
  input: { token: string; password: string },
  meta: ClientMeta,
): Promise<void> {
  const { hash, user } = await usableToken(core, input.token, "reset_password");
  assertNewPassword(input.password, { email: user.email, name: user.name }, "password");
  const passwordHash = await core.hasher.hash(input.password);
  await withEvents(core, async (tx, emit) => {
    const now = core.now();
    if (!(await consumeAccountToken(tx, hash, "reset_password", now))) throw invalidToken();
    const locked = await lockUser(tx, user.id);
    if (!locked?.active) throw invalidToken();
    await setPasswordHash(tx, user.id, passwordHash, now, true);
    const verified = await markEmailVerified(tx, user.id, locked.email, now);
    if (verified) emit(userUpdated(toPublicUser(verified), ["email_verified"], meta.traceparent));
    // The notification centre records it; `password_reset`, not `password`: the notice below is the mail.
    emit(userUpdated(toPublicUser(verified ?? locked), ["password_reset"], meta.traceparent));
    await revokeUserSessions(
      core,
      { userId: user.id, target: {}, reason: "password_changed", traceparent: meta.traceparent },
      { db: tx, emit },
    );
    await queueMail(tx, {
      to: locked.email,
      template: "password_changed",
      locale: meta.locale ?? "en",
      vars: {
        name: locked.name,
        link: `${core.mail.publicBaseUrl.replace(/\/$/, "")}/account/forgot`,
        time: now.toISOString().slice(0, 16).replace("T", " "),
      },
    });
  });
  await core.users.changed(user.id);
  core.mail.committed();
  core.logger.info({ user_id: user.id as Id<"usr"> }, "password reset; every session ended");
}
