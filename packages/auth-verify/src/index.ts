/**
 * Verification of the platform's access tokens: a JWKS-backed verifier and a Hono middleware. Used by the
 * gateway and every service that serves users; only the auth service signs.
 */
export * from "./middleware/index.ts";
export * from "./scopes/index.ts";
export * from "./verifier/index.ts";
