import { createJwtVerifier, type JwtVerifier } from "./verifier.ts";

/** The token settings every verifying service reads (the same names and defaults as the auth service's). */
export interface VerifierSettings {
  /** Explicit JWKS location; wins over everything else. */
  AUTH_JWKS_URL?: string | undefined;
  /** The auth service when run standalone. */
  AUTH_URL: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
}

/**
 * The verifier of a service: JWKS from `AUTH_JWKS_URL`, else from the auth service started in the same process
 * (`runningAuthUrl`, the embedded runner), else from `AUTH_URL`.
 */
export function verifierFromSettings(settings: VerifierSettings, runningAuthUrl?: string): JwtVerifier {
  return createJwtVerifier({
    jwksUrl: settings.AUTH_JWKS_URL ?? `${runningAuthUrl ?? settings.AUTH_URL}/.well-known/jwks.json`,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
  });
}
