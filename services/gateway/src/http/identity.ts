import { type JwtVerifier, rememberVerifiedTokens } from "@payments/auth-verify";
import { ApiError } from "@payments/service-kit";
import { LRUCache } from "lru-cache";

/** Who a request's bearer token speaks for, or undefined (no token, a bad one, or keys unavailable). */
export type Identify = (authorization: string | undefined) => Promise<string | undefined>;

/** Refused tokens remembered; beyond that the least recently seen are checked again. */
const MAX_REFUSED = 50_000;
/** How long a refused token stays refused without checking its signature again. */
const REFUSED_TTL_MS = 60_000;

/**
 * The user id (`sub`) of a verified access token, for per-user rate limits. A signature check costs far more
 * than the rest of a proxied request, so accepted tokens go through the shared verification cache, and refused
 * tokens are remembered briefly here, so garbage cannot force a check per request. Who may do what is still
 * decided by the services, which verify every token themselves.
 */
export function createIdentify(verifier: JwtVerifier): Identify {
  const remembered = rememberVerifiedTokens(verifier);
  const refused = new LRUCache<string, true>({ max: MAX_REFUSED });
  return async (authorization) => {
    if (authorization === undefined || !authorization.startsWith("Bearer ")) return undefined;
    const token = authorization.slice(7).trim();
    if (refused.has(token)) return undefined;
    try {
      return (await remembered.verify(token)).userId;
    } catch (error) {
      // Unavailable keys say nothing about the token: not remembered, the next request tries again.
      if (error instanceof ApiError && error.status === 401)
        refused.set(token, true, { ttl: REFUSED_TTL_MS });
      return undefined;
    }
  };
}
