import type { MailTemplate } from "@payments/mail";
import { and, asc, eq } from "drizzle-orm";
import { mailOutbox } from "../src/db/schema.ts";
import type { TestApp, TestDb } from "./support.ts";

/** A mail in the outbox as tests read it. */
export interface QueuedMail {
  id: string;
  to: string;
  template: string;
  locale: string;
  subject: string;
  text: string | null;
  html: string | null;
  sentAt: Date | null;
}

/** Mails queued for `to` (oldest first), after the answers' background work is done. */
export async function mailsTo(
  t: TestApp,
  testDb: TestDb,
  to: string,
  template?: MailTemplate,
): Promise<QueuedMail[]> {
  await t.background.idle();
  const rows = await testDb.db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.toAddress, to), template ? eq(mailOutbox.template, template) : undefined))
    .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id));
  return rows.map((r) => ({
    id: r.id,
    to: r.toAddress,
    template: r.template,
    locale: r.locale,
    subject: r.subject,
    text: r.textBody,
    html: r.htmlBody,
    sentAt: r.sentAt,
  }));
}

/** The token of the first link in a mail's text (what a person clicking it would send). */
export function tokenIn(text: string | null): string {
  const match = /[?&]token=([A-Za-z0-9_-]{43})\b/.exec(text ?? "");
  if (!match?.[1]) throw new Error(`no token link in mail: ${text?.slice(0, 300)}`);
  return match[1];
}

/** The token of the newest `template` mail to `to`. */
export async function latestToken(
  t: TestApp,
  testDb: TestDb,
  to: string,
  template: MailTemplate,
): Promise<string> {
  const mails = await mailsTo(t, testDb, to, template);
  const last = mails.at(-1);
  if (!last) throw new Error(`no ${template} mail to ${to}`);
  return tokenIn(last.text);
}
