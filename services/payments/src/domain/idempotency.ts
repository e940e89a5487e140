/**
 * Pure rules of idempotency keys (ARCHITECTURE §3, ADR 0004): what identifies a request, and what a second
 * request with the same key gets.
 */

/** Keys are opaque client strings; printable ASCII keeps them safe to log and index. */
export { IDEMPOTENCY_KEY_PATTERN } from "@payments/contracts/http";

/** How long a key and its stored response are kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** SHA-256 (hex) of method, path and the canonical body: what "the same request" means. */
export function requestHash(method: string, path: string, body: unknown): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`);
  return hasher.digest("hex");
}

/** A stored key as the decision needs it. */
export interface StoredKey {
  requestHash: string;
  state: "in_flight" | "completed";
  lockedAt: Date;
  expiresAt: Date;
}

/** What to do with a request whose key is already stored. */
export type KeyDecision =
  /** The stored key is dead (expired, or its owner crashed long ago): take it over and execute. */
  | "take_over"
  /** Same key, another request: 422. */
  | "mismatch"
  /** Same request, finished: replay the stored response. */
  | "replay"
  /** Same request, still executing: wait for it (bounded), then replay or 409. */
  | "wait";

/**
 * Decides how to answer a request whose key exists. An expired key behaves as if absent; an in-flight key
 * older than `staleAfterMs` is presumed abandoned (its process died: requests end long before that).
 */
export function decideOnStoredKey(
  stored: StoredKey,
  hash: string,
  now: Date,
  staleAfterMs: number,
): KeyDecision {
  if (stored.expiresAt.getTime() <= now.getTime()) return "take_over";
  if (stored.requestHash !== hash) return "mismatch";
  if (stored.state === "completed") return "replay";
  if (now.getTime() - stored.lockedAt.getTime() >= staleAfterMs) return "take_over";
  return "wait";
}
