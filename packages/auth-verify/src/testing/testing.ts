import { newId, type Role } from "@payments/contracts";
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from "../verifier/verifier.ts";

/** Who a test token is for; ids are generated when omitted. */
export interface TestTokenClaims {
  userId?: string;
  role: Role;
  sessionId?: string;
  /** Seconds of validity (default 600); negative for an already expired token. */
  ttlSeconds?: number;
  /** `amr` claim (RFC 8176), e.g. `["pwd", "otp", "mfa"]`; omitted: none, as a password-only session. */
  amr?: string[];
}

/** A throwaway issuer for other services' tests: a key pair, its JWKS and a signer of access tokens. */
export interface TestIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  /** Signs an access token exactly as the auth service does (EdDSA, `typ: at+jwt`, same claims). */
  sign(claims: TestTokenClaims): Promise<string>;
}

/**
 * Makes a {@link TestIssuer}. Pass its `jwks`, `issuer` and `audience` to `createJwtVerifier` in the
 * service under test; the defaults equal the platform's (`urn:payments:auth`, `urn:payments:api`).
 */
export async function createTestIssuer(
  opts: { issuer?: string; audience?: string } = {},
): Promise<TestIssuer> {
  const issuer = opts.issuer ?? "urn:payments:auth";
  const audience = opts.audience ?? "urn:payments:api";
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: "Ed25519" });
  const kid = newId("key");
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: "sig" };
  return {
    issuer,
    audience,
    jwks: { keys: [jwk] },
    sign(claims) {
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({
        role: claims.role,
        sid: claims.sessionId ?? newId("ses"),
        ...(claims.amr ? { amr: claims.amr } : {}),
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.userId ?? newId("usr"))
        .setIssuedAt(iat)
        .setExpirationTime(iat + (claims.ttlSeconds ?? 600))
        .sign(privateKey);
    },
  };
}
