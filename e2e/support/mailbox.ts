/**
 * The development mailbox the platform under test writes (docs/adr/0017): `serve.ts` points the auth
 * service's MAILBOX_DIR at the run's scratch directory, where every mail lands as `<id>.eml` + `<id>.json`.
 * The suites read it as a person reads their inbox.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readE2eEnv } from "./config.ts";

/** A mail as the development transport stored it. */
export interface Mail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  created_at: string;
}

/** The mailbox directory of this run. */
export function mailboxDir(): string {
  return join(readE2eEnv().dir, "mailbox");
}

/** Every mail in `dir` (oldest first). */
export function readMails(dir: string = mailboxDir()): Mail[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".json") && !n.startsWith("."))
    .map((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as Mail)
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

/**
 * Waits for a mail to `to` with a link to `page` (`/account/verify`, `/account/reset`, `/account/invitation`)
 * that is not among `seen` ids, and returns it with that link and its token (a link without one only with
 * `tokenless`, as in the password-changed notice). The relay sends within a second or so.
 */
export async function waitForMail(
  to: string,
  page: string,
  opts: { seen?: ReadonlySet<string>; timeoutMs?: number; dir?: string; tokenless?: boolean } = {},
): Promise<{ mail: Mail; link: string; token: string }> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    for (const mail of readMails(opts.dir).reverse()) {
      if (mail.to.toLowerCase() !== to.toLowerCase() || opts.seen?.has(mail.id)) continue;
      const link = mail.links.find((l) => new URL(l).pathname === page);
      const token = link ? new URL(link).searchParams.get("token") : null;
      if (link && (token || opts.tokenless)) return { mail, link, token: token ?? "" };
    }
    if (Date.now() > deadline)
      throw new Error(`no mail to ${to} with a link to ${page} in ${opts.dir ?? mailboxDir()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
