import { LRUCache } from "lru-cache";
import type { AuthContext, JwtVerifier } from "./verifier.ts";

/** Options of {@link rememberVerifiedTokens}. */
export interface RememberOptions {
  /** Tokens remembered; beyond that the least recently used are verified again. */
  maxTokens?: number;
  /** Longest a verification is reused, however long the token lives (bounds a key withdrawn from JWKS). */
  maxAgeMs?: number;
}

/**
 * A verifier that checks each access token's signature once and reuses the result until the token expires
 * (at most `maxAgeMs`). An Ed25519 verification costs more than the rest of a cached read; a client sends
 * the same token with every request for its whole lifetime. Refused tokens are not remembered: they cost a
 * check each, as before. The result for one token string never changes within its validity, except that a
 * signing key withdrawn from the JWKS is noticed only after `maxAgeMs`.
 */
export function rememberVerifiedTokens(verifier: JwtVerifier, opts: RememberOptions = {}): JwtVerifier {
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const known = new LRUCache<string, AuthContext>({ max: opts.maxTokens ?? 50_000 });
  return {
    async verify(token) {
      const remembered = known.get(token);
      if (remembered) return remembered;
      const auth = await verifier.verify(token);
      const ttl = Math.min(auth.expiresAt.getTime() - Date.now(), maxAgeMs);
      if (ttl > 0) known.set(token, auth, { ttl });
      return auth;
    },
  };
}
