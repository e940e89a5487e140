import type { KeyObject } from "node:crypto";
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from "@payments/auth-verify";
import type { Role } from "@payments/contracts";
import { createSigner } from "fast-jwt";
import type { KeyStore, SigningKey } from "./keys.ts";

/** Claims settings of access tokens. */
export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Who the token is for. */
export interface AccessTokenSubject {
  userId: string;
  role: Role;
  sessionId: string;
  /** How the session signed in (RFC 8176 `amr`): `["pwd"]`, or `["pwd", "mfa"]` with a second factor. */
  amr: string[];
  /** An API key's token (docs/adr/0033): the key's id (`api_key`) and its scopes (`scope`, space-separated). */
  apiKey?: { id: string; scopes: readonly string[] };
}

/** A signed access token and its lifetime in seconds (the `expires_in` of responses). */
export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

type Signer = (payload: Record<string, unknown>) => string;

/** One fast-jwt signer per key: it signs with node:crypto synchronously (~0.1 ms), not WebCrypto. */
const signers = new WeakMap<KeyObject, Signer>();

function signerOf(signing: SigningKey): Signer {
  let signer = signers.get(signing.key);
  if (!signer) {
    signer = createSigner({
      key: signing.key.export({ type: "pkcs8", format: "pem" }).toString(),
      algorithm: ACCESS_TOKEN_ALGORITHM,
      kid: signing.kid,
      header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
    });
    signers.set(signing.key, signer);
  }
  return signer;
}

/**
 * Signs an access token: EdDSA with the current key, `typ: at+jwt` (RFC 9068), `iss`, `aud`, `sub`, `role`,
 * `sid`, `amr`, `iat`, `exp` and a random `jti`. Nothing else: the token is readable by anyone holding it.
 */
export async function issueAccessToken(
  keys: KeyStore,
  subject: AccessTokenSubject,
  settings: AccessTokenSettings,
  now: Date,
): Promise<IssuedAccessToken> {
  const signing = await keys.current();
  const iat = Math.floor(now.getTime() / 1000);
  const token = signerOf(signing)({
    iss: settings.issuer,
    aud: settings.audience,
    sub: subject.userId,
    role: subject.role,
    sid: subject.sessionId,
    amr: subject.amr,
    ...(subject.apiKey ? { api_key: subject.apiKey.id, scope: subject.apiKey.scopes.join(" ") } : {}),
    iat,
    exp: iat + settings.ttlSeconds,
    jti: crypto.randomUUID(),
  });
  return { token, expiresIn: settings.ttlSeconds };
}
