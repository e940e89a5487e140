import type { JwtVerifier } from "@payments/auth-verify";
import { ApiError } from "@payments/service-kit";
import { LRUCache } from "lru-cache";

/** Who a request's bearer token speaks for, or undefined (no token, a bad one, or keys unavailable). */
export type Identify = (authorization: string | undefined) => Promise<string | undefined>;

/** Tokens remembered; beyond that the least recently seen are verified again. */
const MAX_TOKENS = 50_000;
/** How long a refused token stays refused without checking its signature again. */
const REFUSED_TTL_MS = 60_000;

/**
 * The user id (`sub`) of a verified access token, for per-user rate limits. A signature check costs far more
 * than the rest of a proxied request, so each token is verified once and its subject remembered until the
 * token expires; refused tokens are remembered briefly, so garbage cannot force a check per request. Who may
 * do what is still decided by the services, which verify every token themselves.
 */
export function createIdentify(verifier: JwtVerifier): Identify {
  const known = new LRUCache<string, string | false>({ max: MAX_TOKENS });
  return async (authorization) => {
    if (authorization === undefined || !authorization.startsWith("Bearer ")) return undefined;
    const token = authorization.slice(7).trim();
    const cached = known.get(token);
    if (cached !== undefined) return cached === false ? undefined : cached;
    try {
      const auth = await verifier.verify(token);
      const ttl = auth.expiresAt.getTime() - Date.now();
      if (ttl > 0) known.set(token, auth.userId, { ttl });
      return auth.userId;
    } catch (error) {
      // Unavailable keys say nothing about the token: not remembered, the next request tries again.
      if (error instanceof ApiError && error.status === 401) {
        known.set(token, false, { ttl: REFUSED_TTL_MS });
      }
      return undefined;
    }
  };
}
