import { newId } from "@payments/contracts";
import type { ApiKeyScope, ApiKeyTokenView, ApiKeyView, CreatedApiKeyView } from "@payments/contracts/http";
import { withEvents } from "@payments/events";
import { ApiError, conflict, notFound } from "@payments/service-kit";
import {
  countLiveApiKeys,
  findLiveApiKeyByHash,
  findUserApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from "../db/api-key-queries.ts";
import type { ApiKeyRow } from "../db/api-key-schema.ts";
import { findUserById } from "../db/queries.ts";
import { sessionsRevoked } from "../domain/events.ts";
import type { PublicUser } from "../domain/users.ts";
import { issueAccessToken } from "../keys/access-tokens.ts";
import type { AuthCore } from "./core.ts";

/** Live keys one user may hold: enough for every system a vendor runs, few enough to review. */
export const MAX_LIVE_API_KEYS = 25;

/**
 * Lifetime of the access token a key is exchanged for. Short, because the gateway caches it: a revoked key
 * stops at once through the revocation event, and any token minted before that ends within this.
 */
export const API_KEY_TOKEN_TTL_SECONDS = 60;

/** Minimum time between two `last_used_at` writes for one key (exchanges happen once a minute per gateway anyway). */
const TOUCH_EVERY_MS = 10_000;

/** SHA-256 of a secret, base64url: 256 random bits need no slow hash (docs/adr/0033). */
export function hashApiKeySecret(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("base64url");
}

function newSecret(): string {
  return `sk_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
}

function scopesOf(row: ApiKeyRow): ApiKeyScope[] {
  return row.scopes.split(" ").filter(Boolean) as ApiKeyScope[];
}

/** The key as the API shows it. */
export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id as ApiKeyView["id"],
    name: row.name,
    scopes: scopesOf(row),
    prefix: "sk_",
    last4: row.last4,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}

const keyNotFound = () => notFound("No such API key.", "api_key_not_found");

const invalidApiKey = () =>
  new ApiError(401, "authentication", "invalid_api_key", "The API key is unknown, revoked or not usable.");

/** Creates a key for `userId`; the answer carries the secret, which is never stored. */
export async function createApiKey(
  core: AuthCore,
  userId: string,
  input: { name: string; scopes: ApiKeyScope[] },
): Promise<CreatedApiKeyView> {
  if ((await countLiveApiKeys(core.db, userId)) >= MAX_LIVE_API_KEYS)
    throw conflict("too_many_api_keys", `At most ${MAX_LIVE_API_KEYS} live API keys; revoke one first.`);
  const secret = newSecret();
  const row: ApiKeyRow = {
    id: newId("apk"),
    userId,
    name: input.name,
    scopes: input.scopes.join(" "),
    secretHash: hashApiKeySecret(secret),
    last4: secret.slice(-4),
    sessionId: newId("ses"),
    createdAt: core.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await insertApiKey(core.db, row);
  return { ...toApiKeyView(row), secret };
}

/** A page of the user's keys. */
export async function listUserApiKeys(
  core: AuthCore,
  userId: string,
  q: { limit: number; starting_after?: string | undefined; ending_before?: string | undefined },
): Promise<{ data: ApiKeyView[]; has_more: boolean }> {
  const rows = await listApiKeys(core.db, {
    userId,
    limit: q.limit,
    startingAfter: q.starting_after,
    endingBefore: q.ending_before,
  });
  const page = rows.slice(0, q.limit);
  if (q.ending_before) page.reverse();
  return { data: page.map(toApiKeyView), has_more: rows.length > q.limit };
}

/**
 * Revokes a key and, in the same transaction, writes `session.revoked` naming the key's session: every
 * gateway drops the tokens it cached for the key when that event arrives.
 */
export async function revokeUserApiKey(
  core: AuthCore,
  userId: string,
  id: string,
  traceparent: string | undefined,
): Promise<ApiKeyView> {
  const existing = await findUserApiKey(core.db, userId, id);
  if (!existing) throw keyNotFound();
  if (existing.revokedAt) return toApiKeyView(existing);
  const revoked = await withEvents(core, async (tx, emit) => {
    const row = await revokeApiKey(tx, id, core.now());
    if (row)
      emit(
        ...sessionsRevoked(
          userId as PublicUser["id"],
          [row.sessionId as `ses_${string}`],
          "api_key_revoked",
          traceparent,
        ),
      );
    return row;
  });
  const current = revoked ?? (await findUserApiKey(core.db, userId, id));
  if (!current) throw keyNotFound();
  return toApiKeyView(current);
}

/** Exchanges a live key of an active user for a short-lived access token carrying its id and scopes. */
export async function exchangeApiKey(core: AuthCore, secret: string): Promise<ApiKeyTokenView> {
  const key = await findLiveApiKeyByHash(core.db, hashApiKeySecret(secret));
  if (!key) throw invalidApiKey();
  // From the database, not the user cache: a deactivation does not revoke API keys, so this check alone
  // stands between a deactivated owner and a fresh token, and must not depend on an invalidation arriving.
  const owner = await findUserById(core.db, key.userId);
  if (!owner?.active) throw invalidApiKey();
  const now = core.now();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_EVERY_MS)
    await touchApiKey(core.db, key.id, now);
  const scopes = scopesOf(key);
  const access = await issueAccessToken(
    core.keys,
    {
      userId: owner.id,
      role: owner.role,
      sessionId: key.sessionId,
      amr: ["apikey"],
      apiKey: { id: key.id, scopes },
    },
    {
      ...core.settings.tokens,
      ttlSeconds: Math.min(API_KEY_TOKEN_TTL_SECONDS, core.settings.tokens.ttlSeconds),
    },
    now,
  );
  return {
    access_token: access.token,
    expires_in: access.expiresIn,
    api_key_id: key.id as ApiKeyTokenView["api_key_id"],
    scopes,
  };
}
