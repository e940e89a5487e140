import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
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

/** A message's JSON file, renamed into place (a `.`-file is one still being written). */
function isMessageFile(name: string): boolean {
  return name.endsWith(".json") && !name.startsWith(".");
}

/**
 * How many messages the development mailbox keeps. It is a place to read recent mail, not an archive: with no
 * limit it grew by a file pair per mail for as long as the platform ran (~15,000 in the soak's 30 minutes),
 * on disk and in the listing's index. The newest are kept; a journey reads mail seconds after it is sent.
 */
export const MAILBOX_KEEP = 2_000;
/** Every this many writes to a directory (the first included), the oldest messages past the limit go. */
const PRUNE_EVERY = 100;
const writes = new Map<string, number>();

/**
 * Removes the oldest messages of `dir` past `keep`, oldest by id: ids are `msg_<ULID>`, which sort in the
 * order the mails were queued. The JSON goes first, so a listing never returns a message without its `.eml`.
 * Returns how many were removed.
 */
export async function pruneMailbox(dir: string, keep = MAILBOX_KEEP): Promise<number> {
  const ids = (await readdir(dir))
    .filter(isMessageFile)
    .map((name) => name.slice(0, -".json".length))
    .sort();
  const old = ids.slice(0, Math.max(0, ids.length - keep));
  for (const id of old) {
    await rm(join(dir, `${id}.json`), { force: true });
    await rm(join(dir, `${id}.eml`), { force: true });
  }
  return old.length;
}

/**
 * Writes one message into the development mailbox: `<id>.eml` (the raw MIME message, openable in any mail
 * client) and `<id>.json` (the fields, for the mailbox page and for tests). The JSON is written last and
 * renamed into place, so a reader never sees a half-written message. Now and then the oldest messages past
 * `keep` are removed ({@link pruneMailbox}).
 */
export async function writeMailboxMessage(
  dir: string,
  message: MailboxMessage,
  raw: Buffer,
  keep = MAILBOX_KEEP,
): Promise<void> {
  if (!ID_SHAPE.test(message.id)) throw new Error(`mailbox: unsafe message id ${message.id}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${message.id}.eml`), raw);
  const tmp = join(dir, `.${message.id}.json.tmp`);
  await writeFile(tmp, `${JSON.stringify(message, null, 2)}\n`);
  await rename(tmp, join(dir, `${message.id}.json`));
  const count = writes.get(dir) ?? 0;
  writes.set(dir, count + 1);
  if (count % PRUNE_EVERY === 0) await pruneMailbox(dir, keep);
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
 * allocated hundreds of MB (ADR 0038). Bounded by the files in the directory, which {@link MAILBOX_KEEP} bounds.
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
    if (!isMessageFile(name)) continue;
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
