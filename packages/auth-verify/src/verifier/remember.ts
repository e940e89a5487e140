import { LRUCache } from "lru-cache";
import type { AuthContext, JwtVerifier } from "./verifier.ts";

/** Options of {@link rememberVerifiedTokens}. */
export interface RememberOptions {
  /** Tokens remembered; beyond that the least recently used are verified again. */
  maxTokens?: number;
  /** Longest a verification is reused, however long the token lives (bounds a key withdrawn from JWKS). */
  maxAgeMs?: number;
  /** Least time between two drops of the expired verifications (default {@link PURGE_EVERY_MS}). */
  purgeEveryMs?: number;
}

/**
 * lru-cache drops an expired entry only when it is read again or evicted, and a token is rarely read after
 * its client moved on to the next one: without a purge every token ever verified stayed until 50,000 of them
 * (~1–2 KB each, per service) pushed the oldest out — memory that grew with every sign-in for hours (ADR 0050).
 */
export const PURGE_EVERY_MS = 30_000;

/** A verifier that remembers; `remembered()` counts what it holds (tests, diagnostics). */
export interface RememberingVerifier extends JwtVerifier {
  remembered(): number;
}

/**
 * A verifier that checks each access token's signature once and reuses the result until the token expires
 * (at most `maxAgeMs`). An Ed25519 verification costs more than the rest of a cached read; a client sends
 * the same token with every request for its whole lifetime. Refused tokens are not remembered: they cost a
 * check each, as before. The result for one token string never changes within its validity, except that a
 * signing key withdrawn from the JWKS is noticed only after `maxAgeMs`.
 */
export function rememberVerifiedTokens(
  verifier: JwtVerifier,
  opts: RememberOptions = {},
): RememberingVerifier {
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const purgeEveryMs = opts.purgeEveryMs ?? PURGE_EVERY_MS;
  const known = new LRUCache<string, AuthContext>({ max: opts.maxTokens ?? 50_000 });
  // Purged as tokens arrive rather than on a timer: a verifier has no close, and one that verifies
  // nothing new holds nothing new.
  let purgedAt = performance.now();
  return {
    remembered: () => known.size,
    async verify(token) {
      const remembered = known.get(token);
      if (remembered) return remembered;
      const auth = await verifier.verify(token);
      const ttl = Math.min(auth.expiresAt.getTime() - Date.now(), maxAgeMs);
      if (ttl > 0) known.set(token, auth, { ttl });
      const now = performance.now();
      if (now - purgedAt >= purgeEveryMs) {
        purgedAt = now;
        known.purgeStale();
      }
      return auth;
    },
  };
}
