import { idSchema, roleSchema } from "@payments/contracts";
import { API_KEY_SCOPES, type ApiKeyScope } from "@payments/contracts/http";
import { ApiError } from "@payments/service-kit";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";

/** The one signature algorithm access tokens use (Ed25519); anything else is refused before any key lookup. */
export const ACCESS_TOKEN_ALGORITHM = "EdDSA";

/** The `amr` value (RFC 8176) of a session that signed in with a second factor. */
export const MFA_METHOD = "mfa";

/** JWT `typ` header of access tokens (RFC 9068), so no other kind of JWT can pass as one. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** Who a verified access token speaks for. */
export interface AuthContext {
  /** `sub`: the user. */
  userId: z.infer<ReturnType<typeof idSchema<"usr">>>;
  /** The role at the time the token was issued (at most one access-token lifetime old). */
  role: z.infer<typeof roleSchema>;
  /** `sid`: the session (device) the token belongs to; `session.revoked` events name it. */
  sessionId: z.infer<ReturnType<typeof idSchema<"ses">>>;
  /** When the token stops being accepted. */
  expiresAt: Date;
  /**
   * The session signed in with a second factor: the token's `amr` (RFC 8176) names `mfa`. Tokens issued
   * before two-factor existed carry no `amr` and count as password-only.
   */
  mfa: boolean;
  /**
   * Present when the token stands for an API key (docs/adr/0033): its id and scopes. Such a request reaches
   * only routes whose contract names scopes the key holds (`requireAuth` checks).
   */
  apiKey?: { id: `apk_${string}`; scopes: readonly ApiKeyScope[] };
}

/** Options of {@link createJwtVerifier}: one of `jwksUrl` (services) or `jwks` (tests, fixed keys). */
export interface JwtVerifierOptions {
  /** Auth's `/.well-known/jwks.json`; fetched on first use, cached, refetched when an unknown `kid` shows up. */
  jwksUrl?: string | URL;
  /**
   * A key set instead of a URL: fixed (tests), or a function the auth service uses to read its own current
   * keys without an HTTP round trip (called per verification; cache inside it).
   */
  jwks?: JSONWebKeySet | (() => Promise<JSONWebKeySet>);
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (the platform's API audience). */
  audience: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf` (default 5). */
  clockToleranceSeconds?: number;
  /** Clock for expiry checks; tests pass a fixed one. */
  now?: () => Date;
  /** Minimum milliseconds between two JWKS fetches triggered by unknown `kid`s (default 30 s). */
  jwksCooldownMs?: number;
  /** Milliseconds after which the cached JWKS is refetched (default 10 min). */
  jwksMaxAgeMs?: number;
}

/** Verifies access tokens issued by the auth service. */
export interface JwtVerifier {
  /** Resolves with the token's identity or rejects with a 401 `authentication` {@link ApiError}. */
  verify(token: string): Promise<AuthContext>;
}

const claimsSchema = z.object({
  sub: idSchema("usr"),
  role: roleSchema,
  sid: idSchema("ses"),
  exp: z.number(),
  amr: z.array(z.string().max(32)).max(8).optional(),
  /** An API key's token: the key and its scopes (RFC 9068 `scope`, space-separated). */
  api_key: idSchema("apk").optional(),
  scope: z.string().max(500).optional(),
});

/** The scopes of a `scope` claim; an unknown one is a malformed token, not a quietly dropped grant. */
function parseScopes(scope: string | undefined): ApiKeyScope[] | undefined {
  if (scope === undefined) return undefined;
  const known: readonly string[] = API_KEY_SCOPES;
  const scopes = scope.split(" ").filter(Boolean);
  if (!scopes.every((s) => known.includes(s))) return undefined;
  return scopes as ApiKeyScope[];
}

/** The 401 every verification failure maps to; the reason goes to logs via `cause`, never to the client. */
export function invalidToken(cause?: unknown): ApiError {
  const error = new ApiError(
    401,
    "authentication",
    "invalid_token",
    "The access token is missing, malformed, expired or not accepted.",
    undefined,
    { "WWW-Authenticate": 'Bearer error="invalid_token"' },
  );
  if (cause !== undefined) error.cause = cause;
  return error;
}

function keysUnavailable(cause: unknown): ApiError {
  const error = new ApiError(
    503,
    "unavailable",
    "auth_keys_unavailable",
    "Token keys are unavailable; try again shortly.",
  );
  error.cause = cause;
  return error;
}

/** Timeouts, network errors, non-200 answers and unparsable key sets: the key source failed, not the token. */
function isKeyFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // jose reports a non-200 JWKS response with the bare base class.
    error.constructor === errors.JOSEError
  );
}

/** A resolver over a key set read from a function; rebuilt only when the function returns another set. */
function dynamicKeySet(read: () => Promise<JSONWebKeySet>): JWTVerifyGetKey {
  let last: { set: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
  return async (header, token) => {
    const set = await read();
    if (last?.set !== set) last = { set, resolve: createLocalJWKSet(set) };
    return last.resolve(header, token);
  };
}

function keySource(opts: JwtVerifierOptions): JWTVerifyGetKey {
  if (typeof opts.jwks === "function") return dynamicKeySet(opts.jwks);
  if (opts.jwks) return createLocalJWKSet(opts.jwks);
  if (opts.jwksUrl === undefined) throw new Error("createJwtVerifier needs jwksUrl or jwks");
  return createRemoteJWKSet(new URL(opts.jwksUrl), {
    cooldownDuration: opts.jwksCooldownMs ?? 30_000,
    cacheMaxAge: opts.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: 5_000,
  });
}

/**
 * A verifier for the platform's access tokens. It pins the algorithm (so `alg: none`, HMAC-with-the-public-
 * key and every other downgrade fail), requires `iss`, `aud`, `exp`, `sub`, `role`, `sid` and the `at+jwt`
 * type, and checks the claims' shapes. A JWKS that cannot be fetched makes verification fail with 401 too:
 * refusing is the only safe answer when the keys are unknown.
 */
export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const getKey = keySource(opts);
  const clockTolerance = opts.clockToleranceSeconds ?? 5;
  return {
    async verify(token) {
      // Access tokens are three base64url segments; refusing anything else early keeps junk away from jose.
      if (token.length > 4096 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
        throw invalidToken("not a compact JWS");
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: opts.issuer,
          audience: opts.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ["exp", "iat", "sub", "sid", "role"],
          clockTolerance,
          ...(opts.now ? { currentDate: opts.now() } : {}),
        });
        const claims = claimsSchema.safeParse(payload);
        if (!claims.success) throw invalidToken(claims.error);
        const scopes = parseScopes(claims.data.scope);
        if (claims.data.api_key && !scopes) throw invalidToken("API key token without valid scopes");
        return {
          userId: claims.data.sub,
          role: claims.data.role,
          sessionId: claims.data.sid,
          expiresAt: new Date(claims.data.exp * 1000),
          mfa: claims.data.amr?.includes(MFA_METHOD) ?? false,
          ...(claims.data.api_key && scopes ? { apiKey: { id: claims.data.api_key, scopes } } : {}),
        };
      } catch (error) {
        if (error instanceof ApiError) throw error;
        // Keys that cannot be fetched say nothing about the token: 503 lets the client retry instead of
        // throwing away a good session.
        if (isKeyFetchFailure(error)) throw keysUnavailable(error);
        throw invalidToken(error);
      }
    },
  };
}
