import { z } from "zod";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { oneCursorAtMost } from "./auth-common.ts";
import { API_KEY_SCOPES, component, cursorQuery, operation, pageOf } from "./operation.ts";

/** API keys of the auth service (docs/adr/0033), mounted at `/api/auth/api-keys`. */

/** Shape of a secret: `sk_` and 43 base64url characters (32 random bytes). */
export const API_KEY_SECRET_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);

/** An API key as listed: never its secret, only what recognises it. */
export const apiKeySchema = component(
  "ApiKey",
  z.object({
    id: idSchema("apk"),
    name: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    prefix: z.literal("sk_").describe("Every secret starts with it"),
    last4: z.string().describe("The secret's last four characters, to tell keys apart"),
    created_at: timestampSchema,
    last_used_at: timestampSchema
      .nullable()
      .describe("When the gateway last exchanged it for a short-lived token (at most a minute apart)"),
    revoked_at: timestampSchema.nullable(),
  }),
  "A secret key for server-to-server calls, limited to its scopes",
);
export type ApiKeyView = z.infer<typeof apiKeySchema>;

/** The answer of create: the only time the secret is shown. */
export const createdApiKeySchema = component(
  "CreatedApiKey",
  apiKeySchema.extend({
    secret: z
      .string()
      .describe("`sk_…`: shown once, stored only as a hash; send it as `Authorization: Bearer`"),
  }),
  "A new API key with its secret (shown this once)",
);
export type CreatedApiKeyView = z.infer<typeof createdApiKeySchema>;

export const apiKeyListSchema = component("ApiKeyList", pageOf(apiKeySchema));
export type ApiKeyListView = z.infer<typeof apiKeyListSchema>;

/** Body of `POST /api-keys`. */
export const createApiKeyBody = z.strictObject({
  name: z.string().max(100).regex(/\S/, "must not be blank").trim(),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1)
    .max(API_KEY_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, "scopes must not repeat")
    .meta({ uniqueItems: true }),
});

/** Query of `GET /api-keys`. */
export const listApiKeysQuery = oneCursorAtMost(z.strictObject(cursorQuery(idSchema("apk"))));

export const apiKeyIdParam = z.object({ id: idSchema("apk") });

/** Body of `POST /api-keys/token`. */
export const apiKeyTokenBody = z.strictObject({
  api_key: z.string().max(64).regex(API_KEY_SECRET_PATTERN, "must be an `sk_…` secret"),
});

/** A short-lived access token standing for an API key. */
export const apiKeyTokenSchema = component(
  "ApiKeyToken",
  z.object({
    access_token: z
      .string()
      .describe("JWT with the key's owner as `sub`, its id as `api_key`, its scopes as `scope`"),
    expires_in: z.int().describe("Seconds until it expires (short: a revoked key stops working quickly)"),
    api_key_id: idSchema("apk"),
    scopes: z.array(apiKeyScopeSchema),
  }),
  "An access token for an API key",
);
export type ApiKeyTokenView = z.infer<typeof apiKeyTokenSchema>;

export const apiKeysCreate = operation({
  service: "auth",
  id: "apiKeys.create",
  method: "post",
  path: "/api-keys",
  summary: "Create an API key (the secret is shown once)",
  description:
    "Vendors and admins. The secret is stored only as a SHA-256 hash; lose it and create another key. " +
    "At most 25 live keys per user (409 `too_many_api_keys`).",
  tags: ["api-keys"],
  security: "bearer",
  roles: ["vendor", "admin"],
  body: createApiKeyBody,
  responses: { 201: { description: "Created", schema: createdApiKeySchema } },
  errors: [403, 409],
});

export const apiKeysList = operation({
  service: "auth",
  id: "apiKeys.list",
  method: "get",
  path: "/api-keys",
  summary: "List my API keys, newest first (revoked ones too)",
  tags: ["api-keys"],
  security: "bearer",
  roles: ["vendor", "admin"],
  query: listApiKeysQuery,
  responses: { 200: { description: "A page of keys", schema: apiKeyListSchema } },
  errors: [403],
});

export const apiKeysRevoke = operation({
  service: "auth",
  id: "apiKeys.revoke",
  method: "delete",
  path: "/api-keys/{id}",
  summary: "Revoke an API key",
  description:
    "Every gateway refuses the key within a second (a `session.revoked` event names the key's session). " +
    "Revoking a revoked key answers the key again; another user's key is 404 `api_key_not_found`.",
  tags: ["api-keys"],
  security: "bearer",
  roles: ["vendor", "admin"],
  params: apiKeyIdParam,
  responses: { 200: { description: "Revoked", schema: apiKeySchema } },
  errors: [403, 404],
});

export const apiKeysToken = operation({
  service: "auth",
  id: "apiKeys.token",
  method: "post",
  path: "/api-keys/token",
  summary: "Exchange an API key for a short-lived access token",
  description:
    "What the gateway does for a request with `Authorization: Bearer sk_…`; clients rarely need it. A " +
    "revoked or unknown key, or one whose owner is deactivated, is 401 `invalid_api_key`.",
  tags: ["api-keys"],
  security: "public",
  body: apiKeyTokenBody,
  responses: { 200: { description: "A token for the key", schema: apiKeyTokenSchema } },
  errors: [401],
});

export const AUTH_API_KEY_OPERATIONS = [apiKeysCreate, apiKeysList, apiKeysRevoke, apiKeysToken] as const;
