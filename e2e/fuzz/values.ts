/**
 * Values the fuzzer builds requests from: a seeded PRNG (runs are reproducible), valid values guessed from
 * a schema and the parameter's name, and pools of hostile strings and numbers.
 */
import type { Schema } from "./openapi.ts";
import { typeOf } from "./openapi.ts";

/** mulberry32: tiny, fast, good enough to pick mutations; the same seed gives the same run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit hash of a string (FNV-1a), to derive one seed per operation from the run's seed. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Picks one element. */
export function pick<T>(rnd: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rnd() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** Ids of real objects the fuzzer's users own, so valid-looking requests reach the handlers. */
export interface FuzzContext {
  customerId: string;
  vendorId: string;
  /** A settled payment from the customer to the vendor. */
  paymentId: string;
  /** A throwaway user (admin user-management requests target it). */
  targetUserId: string;
  /** A throwaway account for the login operation (failed logins throttle an account). */
  loginEmail: string;
  /** A session of the acting user. */
  sessionId: string;
  /** Unique per request, for e-mails and keys. */
  nonce(): string;
}

/** Strings that have broken parsers, databases, loggers and templates before. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u202eRTL override",
  "zero\u200bwidth",
  "😀🔥💸",
  "e\u0301\u0301\u0301combining",
  "\ud800",
  "Ωmega ünïcödé 中文 العربية",
  "' OR '1'='1' --",
  "'; DROP TABLE payments; --",
  '"quoted\\"',
  "<script>alert(1)</script>",
  // Template and lookup injection probes (the dollar-brace text is the payload, not a template).
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal is the attack string
  "{{7*7}}${7*7}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal is the attack string
  "${jndi:ldap://127.0.0.1/x}",
  "%s%s%s%n",
  "../../../../etc/passwd",
  "\r\nX-Injected: 1",
  "null",
  "undefined",
  "NaN",
  "-1",
  "9".repeat(400),
  "x".repeat(5_000),
];

/** Numbers at and beyond every interesting edge. */
export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  1.5,
  0.1,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  1e308,
  -1e308,
];

/** Values of every JSON type, for wrong-type mutations. */
export const ALL_TYPES: readonly unknown[] = [
  0,
  -7,
  2.5,
  "text",
  "",
  true,
  false,
  null,
  [],
  [1, "a"],
  {},
  { a: 1 },
];

/** Cursor and id values: malformed, well-formed but unknown, foreign prefixes, traversal. */
export const HOSTILE_IDS: readonly string[] = [
  "pay_123",
  "pay_0zzzzzzzzzzzzzzzzzzzzzzzzz",
  "usr_0zzzzzzzzzzzzzzzzzzzzzzzzz",
  "ses_0zzzzzzzzzzzzzzzzzzzzzzzzz",
  "re_0zzzzzzzzzzzzzzzzzzzzzzzzz",
  "PAY_0ZZZZZZZZZZZZZZZZZZZZZZZZZ",
  "0",
  "-1",
  "' OR 1=1 --",
  "..%2F..%2Fadmin",
  "%2e%2e",
  "%00",
  "%E2%80%AE",
  "x".repeat(3_000),
  "😀",
];

/** A valid value for `schema`, guided by the field's name and the context's real ids. */
export function validValue(schema: Schema, name: string, ctx: FuzzContext): unknown {
  if (schema.const !== undefined) return schema.const;
  // Currencies are an enum of every ISO-4217 code: the base case pays in the one the platform is set up with.
  if (schema.enum?.includes("usd")) return "usd";
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = typeOf(schema);
  if (type === "string") return validString(schema, name, ctx);
  if (type === "integer" || type === "number") {
    if (name === "amount") return 1_000;
    if (name === "limit") return 5;
    const min = schema.minimum ?? 1;
    return Math.min(Math.max(min, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
  }
  if (type === "boolean") return true;
  if (type === "array") {
    const count = Math.max(schema.minItems ?? 1, 1);
    return Array.from({ length: count }, () => validValue(schema.items ?? {}, name, ctx));
  }
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const key of schema.required ?? []) out[key] = validValue(schema.properties?.[key] ?? {}, key, ctx);
    return out;
  }
  return "x";
}

function validString(schema: Schema, name: string, ctx: FuzzContext): string {
  const pattern = schema.pattern ?? "";
  if (name === "payee_id") return ctx.vendorId;
  if (name === "user_id" || name === "actor_id") return ctx.customerId;
  if (pattern.includes("(pay)")) return ctx.paymentId;
  if (pattern.includes("(usr)")) return ctx.targetUserId;
  if (pattern.includes("(ses)")) return ctx.sessionId;
  if (name === "email") return `fuzz-${ctx.nonce()}@example.com`;
  if (name.includes("password")) return "correct horse battery staple fuzz";
  if (name === "currency" || pattern === "^[a-z]{3}$") return "usd";
  if (schema.format === "date-time") return new Date().toISOString();
  if (name === "locale") return "en-US";
  return "x".repeat(Math.max(schema.minLength ?? 1, 1));
}

/** Authorization headers that must never authenticate anyone (the label names each in reports). */
export const AUTH_VARIANTS: Array<[string, string | undefined]> = [
  ["none", undefined],
  ["scheme-only", "Bearer"],
  ["empty-token", "Bearer "],
  ["garbage", "Bearer not.a.jwt"],
  ["three-dots", "Bearer a.b.c"],
  ["basic", "Basic dXNlcjpwYXNz"],
  ["huge", `Bearer ${"A".repeat(8_000)}`],
  [
    "alg-none",
    `Bearer ${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"usr_x","role":"admin"}').toString("base64url")}.`,
  ],
];
