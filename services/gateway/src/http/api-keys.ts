import { API_KEY_SECRET_PATTERN, apiKeyTokenSchema } from "@payments/contracts/http";
import { ApiError, type Logger } from "@payments/service-kit";
import { LRUCache } from "lru-cache";

/** An API key the gateway has exchanged: the access token it forwards in the key's place. */
export interface ExchangedKey {
  keyId: string;
  /** The key's owner (`sub` of its tokens). */
  ownerId: string;
  /** `sid` of the key's tokens; a `session.revoked` naming it ends the key here. */
  sessionId: string;
  accessToken: string;
  /** Epoch milliseconds after which the cached token is not used any more. */
  usableUntil: number;
}

/** Turns `Authorization: Bearer sk_…` into the access token the services verify (docs/adr/0033). */
export interface ApiKeyExchange {
  /**
   * The exchanged key for an `sk_…` bearer, undefined for any other header; throws 401 `invalid_api_key` for a
   * refused key and 503 when auth cannot be asked.
   */
  resolve(authorization: string | undefined): Promise<ExchangedKey | undefined>;
  /** Forgets every cached token of these sessions (the `session.revoked` handler calls it). */
  revoke(sessionIds: readonly string[]): void;
}

export interface ApiKeyExchangeOptions {
  /** Auth's base URL (its `/api-keys/token`). */
  authUrl: string;
  fetch: typeof fetch;
  /** Sessions this gateway has seen revoked (shared with the WebSocket side). */
  revokedSessions: LRUCache<string, true>;
  logger: Logger;
  /** Milliseconds before a token's expiry at which it is exchanged again (default 10 s). */
  refreshMarginMs?: number;
  now?: () => number;
}

/** Refused secrets are remembered this long, so a bad key in a loop costs auth one lookup per second. */
const REFUSED_TTL_MS = 1_000;
const EXCHANGE_TIMEOUT_MS = 5_000;

const invalidApiKey = () =>
  new ApiError(
    401,
    "authentication",
    "invalid_api_key",
    "The API key is unknown, revoked or not usable.",
    undefined,
    { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  );

const authUnavailable = () =>
  new ApiError(
    503,
    "unavailable",
    "auth_unavailable",
    "API keys cannot be checked right now; try again shortly.",
  );

/** SHA-256 of the secret: the cache never holds a usable secret. */
function cacheKey(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("base64url");
}

/**
 * The gateway's side of API keys: an `sk_…` bearer is exchanged with auth for a short-lived access token
 * (once per key and token lifetime, concurrent requests sharing one exchange), which is forwarded instead of
 * the secret, so services verify one kind of token and enforce the key's scopes from its claims. A revoked key
 * is refused as soon as its `session.revoked` event reaches this instance (each gateway has its own queue).
 */
export function createApiKeyExchange(opts: ApiKeyExchangeOptions): ApiKeyExchange {
  const now = opts.now ?? Date.now;
  const margin = opts.refreshMarginMs ?? 10_000;
  const base = opts.authUrl.replace(/\/+$/, "");
  const bySession = new Map<string, Set<string>>();
  const cache = new LRUCache<string, ExchangedKey>({
    max: 10_000,
    // The session index follows the cache, so it never outgrows it.
    dispose: (value, hash) => {
      const hashes = bySession.get(value.sessionId);
      hashes?.delete(hash);
      if (hashes?.size === 0) bySession.delete(value.sessionId);
    },
  });
  const refused = new LRUCache<string, true>({ max: 10_000, ttl: REFUSED_TTL_MS });
  const inFlight = new Map<string, Promise<ExchangedKey>>();

  async function exchange(secret: string, hash: string): Promise<ExchangedKey> {
    let res: Response;
    try {
      res = await opts.fetch(`${base}/api-keys/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ api_key: secret }),
        signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
      });
    } catch (err) {
      opts.logger.warn({ err }, "API key exchange failed");
      throw authUnavailable();
    }
    if (res.status === 401 || res.status === 400) {
      await res.body?.cancel();
      refused.set(hash, true);
      throw invalidApiKey();
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw authUnavailable();
    }
    const body = apiKeyTokenSchema.parse(await res.json());
    const claims = JSON.parse(Buffer.from(body.access_token.split(".")[1] ?? "", "base64url").toString()) as {
      sid?: unknown;
      sub?: unknown;
    };
    if (typeof claims.sid !== "string" || typeof claims.sub !== "string") throw authUnavailable();
    const exchanged: ExchangedKey = {
      keyId: body.api_key_id,
      ownerId: claims.sub,
      sessionId: claims.sid,
      accessToken: body.access_token,
      usableUntil: now() + body.expires_in * 1000 - margin,
    };
    // Revoked while the exchange was on its way: the event may already have passed.
    if (opts.revokedSessions.has(exchanged.sessionId)) throw invalidApiKey();
    cache.set(hash, exchanged);
    const hashes = bySession.get(exchanged.sessionId) ?? new Set<string>();
    hashes.add(hash);
    bySession.set(exchanged.sessionId, hashes);
    return exchanged;
  }

  return {
    async resolve(authorization) {
      if (authorization === undefined) return undefined;
      const match = /^Bearer +(sk_\S*) *$/i.exec(authorization);
      if (!match?.[1]) return undefined;
      const secret = match[1];
      if (!API_KEY_SECRET_PATTERN.test(secret)) throw invalidApiKey();
      const hash = cacheKey(secret);
      if (refused.has(hash)) throw invalidApiKey();
      const cached = cache.get(hash);
      if (cached) {
        if (opts.revokedSessions.has(cached.sessionId)) {
          cache.delete(hash);
          throw invalidApiKey();
        }
        if (cached.usableUntil > now()) return cached;
        cache.delete(hash);
      }
      let pending = inFlight.get(hash);
      if (!pending) {
        pending = exchange(secret, hash).finally(() => inFlight.delete(hash));
        inFlight.set(hash, pending);
      }
      return pending;
    },
    revoke(sessionIds) {
      for (const sid of sessionIds) for (const hash of [...(bySession.get(sid) ?? [])]) cache.delete(hash);
    },
  };
}
