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

/** What the index keeps of one message file: enough to filter and order without reading it again. */
interface Summary {
  to: string;
  createdAt: string;
  id: string;
}

/**
 * Per mailbox directory: the summary of every message file read so far, by file name. A message file never
 * changes once renamed into place, so each is parsed once; a listing then reads only new files and the
 * messages it returns. Reading and parsing every file on every call grew with the mailbox: after 30 minutes
 * of the soak (a mail per payment notice, ~15,000 files) each call of the verification loop took seconds and
 * allocated hundreds of MB (ADR 0038). Bounded by the files in the directory, as the directory is.
 */
const indexes = new Map<string, Map<string, Summary>>();

async function parsedMessage(path: string): Promise<MailboxMessage | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return isMessage(parsed) ? parsed : undefined;
  } catch {
    // A file someone else put there, or removed meanwhile: not a message.
    return undefined;
  }
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
  const previous = indexes.get(dir) ?? new Map<string, Summary>();
  // Rebuilt from the listing, so files removed from the directory leave the index too. A file that did not
  // read as a message is not kept: it is tried again next time (a read that failed once may not fail again).
  const index = new Map<string, Summary>();
  // Messages parsed by this call, so one it returns is not read a second time.
  const parsedNow = new Map<string, MailboxMessage>();
  for (const name of names) {
    if (!name.endsWith(".json") || name.startsWith(".")) continue;
    let summary = previous.get(name);
    if (summary === undefined) {
      const message = await parsedMessage(join(dir, name));
      if (!message) continue;
      parsedNow.set(name, message);
      summary = { to: message.to.toLowerCase(), createdAt: message.created_at, id: message.id };
    }
    index.set(name, summary);
  }
  indexes.set(dir, index);
  const to = filter.to?.toLowerCase();
  const chosen = [...index]
    .filter(([, summary]) => to === undefined || summary.to === to)
    .sort(([, a], [, b]) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, filter.limit ?? 200);
  const messages: MailboxMessage[] = [];
  for (const [name] of chosen) {
    const message = parsedNow.get(name) ?? (await parsedMessage(join(dir, name)));
    if (message) messages.push(message);
  }
  return messages;
}
