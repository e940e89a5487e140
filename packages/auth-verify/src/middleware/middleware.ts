import type { Role } from "@payments/contracts";
import type { Service } from "@payments/contracts/http";
import { ApiError } from "@payments/service-kit";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { checkScopes } from "../scopes/scopes.ts";
import { type AuthContext, invalidToken, type JwtVerifier } from "../verifier/verifier.ts";

/** Hono environment of routes behind {@link requireAuth}: `c.var.auth` holds the verified identity. */
export type AuthEnv = {
  Variables: {
    auth: AuthContext;
  };
};

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /** Roles allowed through; omitted means any authenticated user. */
  roles?: readonly Role[];
  /**
   * Extra check after the signature, e.g. the auth service asking its database whether the session is still
   * live. Throw an {@link ApiError} to refuse.
   */
  check?: (auth: AuthContext) => Promise<void>;
  /**
   * The service whose contract operations decide what an API key may call here (their `scopes`); without
   * it API keys are refused altogether (docs/adr/0033).
   */
  service?: Service;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none or it is malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([\w.~+/-]+=*)[ ]*$/i.exec(header);
  return match?.[1];
}

/** 401 without a token at all: RFC 6750 says the challenge then carries no error code. */
function missingToken(): ApiError {
  return new ApiError(401, "authentication", "unauthenticated", "Authentication required.", undefined, {
    "WWW-Authenticate": "Bearer",
  });
}

/** 403 `permission` for a valid token whose role may not use the route. */
export function insufficientRole(): ApiError {
  return new ApiError(403, "permission", "forbidden", "You do not have permission to do this.");
}

/**
 * Middleware that admits a request only with a valid access token (and one of `roles`, if given). Sets
 * `c.var.auth`; throws 401 `authentication` or 403 `permission` as the uniform error of ARCHITECTURE §3.
 */
export function requireAuth(
  verifier: JwtVerifier,
  opts: RequireAuthOptions = {},
): MiddlewareHandler<AuthEnv> {
  const roles = opts.roles;
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) throw missingToken();
    const token = bearerToken(header);
    if (!token) throw invalidToken("malformed Authorization header");
    const auth = await verifier.verify(token);
    checkScopes(auth, opts.service, c.req.method, c.req.path);
    if (opts.check) await opts.check(auth);
    if (roles && !roles.includes(auth.role)) throw insufficientRole();
    c.set("auth", auth);
    await next();
  });
}
