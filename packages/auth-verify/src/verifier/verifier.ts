import { idSchema, roleSchema } from "@payments/contracts";
import { API_KEY_SCOPES, type ApiKeyScope } from "@payments/contracts/http";
import { ApiError } from "@payments/service-kit";
import { type Algorithm, createVerifier, TOKEN_ERROR_CODES } from "fast-jwt";
import { errors, type JSONWebKeySet } from "jose";
import { z } from "zod";
import { publicKeyLookup } from "./keys.ts";

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
  iat: z.number(),
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

/** What went wrong in a verification, as a response: the key lookup's own errors come wrapped by fast-jwt. */
function failure(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const wrapped =
    error instanceof Error && "code" in error && error.code === TOKEN_ERROR_CODES.keyFetchingError
      ? (error as Error & { originalError?: unknown }).originalError
      : undefined;
  if (wrapped instanceof ApiError) return wrapped;
  // Keys that cannot be fetched say nothing about the token: 503 lets the client retry instead of throwing
  // away a good session.
  if (wrapped !== undefined && isKeyFetchFailure(wrapped)) return keysUnavailable(wrapped);
  return invalidToken(error);
}

/**
 * A verifier for the platform's access tokens. It pins the algorithm (so `alg: none`, HMAC-with-the-public-
 * key and every other downgrade fail), requires `iss`, `aud`, `exp`, `iat`, `sub`, `role`, `sid` and the
 * `at+jwt` type, and checks the claims' shapes. A JWKS that cannot be fetched answers 503: the keys are
 * unknown, so the token can be neither accepted nor called bad.
 *
 * The signature is checked by fast-jwt with node:crypto's synchronous Ed25519 verify (~0.1 ms), not by
 * WebCrypto: under load Bun's asynchronous `crypto.subtle.verify` resolved up to 5 s late (docs/adr/0044).
 */
export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const lookup = publicKeyLookup(opts);
  const settings = {
    // The header is checked before any key lookup, so a downgraded token never costs a JWKS fetch.
    key: async ({ header }: { header: Record<string, unknown> }) => {
      if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw invalidToken("algorithm not accepted");
      if (header.kid !== undefined && typeof header.kid !== "string") throw invalidToken("malformed kid");
      return lookup({ alg: header.alg, kid: header.kid });
    },
    algorithms: [ACCESS_TOKEN_ALGORITHM] satisfies Algorithm[],
    allowedIss: opts.issuer,
    allowedAud: opts.audience,
    checkTyp: ACCESS_TOKEN_TYPE,
    // fast-jwt checks iss and aud only when present; naming them here makes them required.
    requiredClaims: ["iss", "aud", "exp", "iat", "sub", "sid", "role"],
    clockTolerance: (opts.clockToleranceSeconds ?? 5) * 1000,
  };
  // fast-jwt reads its clock once per verifier: a test's fixed clock gets a verifier per call.
  const now = opts.now;
  const shared = createVerifier(settings);
  const verifierNow = now
    ? () => createVerifier({ ...settings, clockTimestamp: now().getTime() })
    : () => shared;
  return {
    async verify(token) {
      // Access tokens are three base64url segments; refusing anything else early keeps junk away from parsing.
      if (token.length > 4096 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
        throw invalidToken("not a compact JWS");
      let payload: unknown;
      try {
        payload = await verifierNow()(token);
      } catch (error) {
        throw failure(error);
      }
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
    },
  };
}
