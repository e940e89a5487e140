import { enqueueMail, type MailLocale, type MailRequest, type MailTemplate, mailLink } from "@payments/mail";
import { insertAccountToken } from "../db/account-token-queries.ts";
import type { AccountTokenPurpose } from "../db/mail-schema.ts";
import type { AuthDb } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { ACCOUNT_TOKEN_TTL_MS, supersedesEarlier } from "../domain/account-tokens.ts";
import type { MailThrottle } from "../security/mail-throttle.ts";
import { hashRefreshToken, newRefreshToken } from "../security/tokens.ts";

/** Work a response does not wait for, kept track of so that tests and the shutdown can wait for it. */
export interface BackgroundWork {
  run(what: string, work: () => Promise<void>): void;
  /** Resolves when nothing started so far is still running. */
  idle(): Promise<void>;
}

/** A {@link BackgroundWork} that logs failures with `log`. */
export function createBackgroundWork(log: (err: unknown, what: string) => void): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    run(what, work) {
      const task: Promise<void> = work()
        .catch((err: unknown) => log(err, what))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

/** What the auth use cases need to send mail (docs/adr/0017). */
export interface AuthMail {
  /** PUBLIC_BASE_URL: where links in mails point. */
  publicBaseUrl: string;
  throttle: MailThrottle;
  /** Wakes the mail relay; called after a transaction that enqueued mail committed. */
  committed(): void;
  background: BackgroundWork;
}

/** The page of the auth frontend each mailed token opens. */
const PAGE: Record<AccountTokenPurpose, string> = {
  verify_email: "/account/verify",
  reset_password: "/account/reset",
  invitation: "/account/invitation",
  // The verification page posts any token to /email/verify, which tells the two apart (docs/adr/0028).
  change_email: "/account/verify",
};

/**
 * Makes a token of `purpose` for `user`, stores its hash in `tx`, and returns the link carrying the
 * plaintext (which exists only in the mail).
 */
export async function issueTokenLink(
  mail: AuthMail,
  tx: AuthDb,
  user: Pick<UserRow, "id" | "email">,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<string> {
  const token = newRefreshToken();
  await insertAccountToken(
    tx,
    {
      tokenHash: hashRefreshToken(token),
      userId: user.id,
      purpose,
      email: user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ACCOUNT_TOKEN_TTL_MS[purpose]),
    },
    supersedesEarlier(purpose),
  );
  return mailLink(mail.publicBaseUrl, PAGE[purpose], { token });
}

/** Hours a token of `purpose` works, for the mail's text. */
export function tokenHours(purpose: AccountTokenPurpose): number {
  return Math.round(ACCOUNT_TOKEN_TTL_MS[purpose] / 3600_000);
}

/** Puts a mail in the outbox in `tx` (the relay is woken by the caller after the commit). */
export function queueMail<T extends MailTemplate>(tx: AuthDb, request: MailRequest<T>): Promise<string> {
  return enqueueMail(tx, request);
}

/** The verification mail for `user`, in `tx`. */
export async function queueVerificationMail(
  mail: AuthMail,
  tx: AuthDb,
  user: Pick<UserRow, "id" | "email" | "name">,
  locale: MailLocale,
  now: Date,
): Promise<void> {
  const link = await issueTokenLink(mail, tx, user, "verify_email", now);
  await queueMail(tx, {
    to: user.email,
    template: "verify_email",
    locale,
    vars: { name: user.name, link, hours: tokenHours("verify_email") },
  });
}
