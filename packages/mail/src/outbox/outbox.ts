import { newId } from "@payments/contracts";
import type { Database } from "@payments/db";
import type { MailLocale, MailTemplate, MailVariables } from "../templates/catalog.ts";
import { renderMail } from "../templates/render.ts";
import { mailOutbox } from "./tables.ts";

/** A mail to put in the outbox: who gets which template, in which locale, with which values. */
export interface MailRequest<T extends MailTemplate = MailTemplate> {
  to: string;
  template: T;
  locale: MailLocale;
  vars: MailVariables[T];
}

/**
 * Renders a mail and writes it to the outbox in `tx`. Call it in the transaction that makes what the mail is
 * about (the token it carries, the password change it reports): both commit or neither does, and the
 * request succeeds whether or not the SMTP server is up. Returns the mail's id (`msg_…`).
 */
export async function enqueueMail<TSchema extends Record<string, unknown>, T extends MailTemplate>(
  tx: Database<TSchema>,
  mail: MailRequest<T>,
): Promise<string> {
  const rendered = renderMail(mail.template, mail.locale, mail.vars);
  const id = newId("msg");
  await tx.insert(mailOutbox).values({
    id,
    toAddress: mail.to,
    template: mail.template,
    locale: mail.locale,
    subject: rendered.subject,
    textBody: rendered.text,
    htmlBody: rendered.html,
  });
  return id;
}
