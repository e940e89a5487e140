import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One message as the development mailbox keeps it next to its `.eml`. */
export interface MailboxMessage {
  id: string;
  message_id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every http(s) URL in the text body, in order: what a person would click. */
  links: string[];
  created_at: string;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/** The http(s) URLs in a text body. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
}

/**
 * Writes one message into the development mailbox: `<id>.eml` (the raw MIME message, openable in any mail
 * client) and `<id>.json` (the fields, for the mailbox page and for tests). The JSON is written last and
 * renamed into place, so a reader never sees a half-written message.
 */
export async function writeMailboxMessage(dir: string, message: MailboxMessage, raw: Buffer): Promise<void> {
  if (!ID_SHAPE.test(message.id)) throw new Error(`mailbox: unsafe message id ${message.id}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${message.id}.eml`), raw);
  const tmp = join(dir, `.${message.id}.json.tmp`);
  await writeFile(tmp, `${JSON.stringify(message, null, 2)}\n`);
  await rename(tmp, join(dir, `${message.id}.json`));
}

function isMessage(value: unknown): value is MailboxMessage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === "string" &&
    typeof v.to === "string" &&
    typeof v.subject === "string" &&
    typeof v.text === "string" &&
    typeof v.created_at === "string" &&
    Array.isArray(v.links)
  );
}

/** Messages in the development mailbox, newest first; `to` keeps those to one address (case-insensitive). */
export async function readMailbox(
  dir: string,
  filter: { to?: string; limit?: number } = {},
): Promise<MailboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const messages: MailboxMessage[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith("."))) {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(dir, name), "utf8"));
      if (isMessage(parsed)) messages.push(parsed);
    } catch {
      // A file someone else put there, or removed meanwhile: not a message.
    }
  }
  const to = filter.to?.toLowerCase();
  return messages
    .filter((m) => to === undefined || m.to.toLowerCase() === to)
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id))
    .slice(0, filter.limit ?? 200);
}
