import { decodeTime, encodeTime } from "ulid";
import { z } from "zod";

/**
 * Every ID prefix the platform issues. A closed list so a typo (`"pmt"`) is a compile error; add a prefix
 * here when a new kind of resource appears.
 */
export const ID_PREFIXES = [
  "usr", // user
  "pay", // payment
  "re", // refund
  "evt", // event
  "att", // payment attempt / history entry
  "ses", // session (device; one refresh-token family each)
  "key", // signing key (JWKS kid)
  "aud", // audit log entry
  "tkt", // one-time WebSocket ticket
  "req", // request id
  "msg", // mail message (outbox row; its Message-ID)
  "po", // payout to a vendor's bank account (docs/adr/0031)
  "txn", // balance transaction: one line of a vendor's balance (docs/adr/0031)
  "le", // ledger journal entry (docs/adr/0031)
  "apk", // API key (docs/adr/0033; its secret is `sk_…`)
  "whe", // webhook endpoint (docs/adr/0034)
  "whd", // webhook delivery: one event for one endpoint (docs/adr/0034)
  "ntf", // in-app notification (docs/adr/0028)
] as const;

/** One of {@link ID_PREFIXES}. */
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** A prefixed ID such as `pay_01j9z3…`; the template type keeps `usr_…` and `pay_…` apart at compile time. */
export type Id<P extends IdPrefix> = `${P}_${string}`;

/** Lowercase Crockford base32 (no i, l, o, u), the alphabet of a lowercased ULID. */
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const RANDOM_CHARS = 16;
const RANDOM_BITS = 80n;
const RANDOM_LIMIT = 1n << RANDOM_BITS;
/** ULID body: 10 time chars (the first at most 7, 48 bits) + 16 random chars. */
const ULID_BODY = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

function randomBigInt(bytes: number): bigint {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let n = 0n;
  for (const b of buf) n = (n << 8n) | BigInt(b);
  return n;
}

function encodeRandom(n: bigint): string {
  let out = "";
  let rest = n;
  for (let i = 0; i < RANDOM_CHARS; i++) {
    out = CROCKFORD.charAt(Number(rest & 31n)) + out;
    rest >>= 5n;
  }
  return out;
}

let lastTime = 0;
let lastRandom = 0n;

/**
 * Next ULID body, monotonic within this process. The `ulid` package's monotonic factory adds exactly 1 to
 * the random part within a millisecond, which makes the next ID guessable from the previous one; here the
 * step is a random 1..2^48 instead, so IDs still sort in creation order and each one keeps at least 48 bits
 * an observer cannot predict (80 fresh random bits on the first ID of every millisecond).
 */
function nextUlid(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    lastRandom = randomBigInt(10);
  } else {
    lastRandom += randomBigInt(6) + 1n;
    if (lastRandom >= RANDOM_LIMIT) {
      // Random space of this millisecond exhausted (practically never): borrow the next millisecond.
      lastTime += 1;
      lastRandom = randomBigInt(10);
    }
  }
  return (encodeTime(lastTime, 10) + encodeRandom(lastRandom)).toLowerCase();
}

/**
 * A new prefixed, sortable, unguessable ID: `newId("pay")` → `pay_01j9z3k7…` (lowercased ULID; IDs created
 * later in this process sort after earlier ones).
 */
export function newId<P extends IdPrefix>(prefix: P): Id<P> {
  return `${prefix}_${nextUlid()}`;
}

/** Zod validator for IDs made by {@link newId} with `prefix`; also renders as a JSON-Schema pattern. */
export function idSchema<P extends IdPrefix>(prefix: P) {
  // zod's default for a template mismatch is a bare "Invalid input": name the shape an id must have.
  return z.templateLiteral([z.literal(prefix), "_", z.string().regex(ULID_BODY)], {
    error: `Expected an id like ${prefix}_01j9z3k7… (the prefix, an underscore and 26 letters and digits)`,
  });
}

/** Milliseconds since the epoch at which an ID was made (its ULID time part), or undefined if not an ID. */
export function idTimestamp(id: string): number | undefined {
  const body = id.slice(id.indexOf("_") + 1);
  return ULID_BODY.test(body) ? decodeTime(body) : undefined;
}
