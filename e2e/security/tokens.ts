/**
 * Token forgery kit for the security suite: attacker-made tokens (alg none, own key, HMAC with the public
 * key, tampered payload) and, when the platform's auth database is a real Postgres the suite can read,
 * tokens signed with the platform's own current key but with bad claims (wrong audience or issuer,
 * expired, not yet valid), which isolate the claim checks from the signature check.
 */
import { readFileSync } from "node:fs";
import { generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import postgres from "postgres";
import { claims } from "../support/api.ts";
import { readE2eEnv, stateFile } from "../support/config.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The decoded header of a JWT. */
export function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** `alg: none`, the victim's claims with an admin role, empty signature. */
export function algNone(victim: string): string {
  const h = { ...header(victim), alg: "none" };
  return `${b64(h)}.${b64({ ...claims(victim), role: "admin" })}.`;
}

/** The victim's claims elevated to admin, the original signature kept. */
export function tampered(victim: string): string {
  const [h, , sig] = victim.split(".");
  return `${h}.${b64({ ...claims(victim), role: "admin" })}.${sig}`;
}

/** Signed with a key the attacker made, under the platform key's `kid`. */
export async function ownKey(victim: string): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const h = header(victim);
  return new SignJWT({ ...claims(victim), role: "admin" })
    .setProtectedHeader({ alg: "EdDSA", kid: String(h.kid), typ: String(h.typ ?? "JWT") })
    .sign(privateKey);
}

/** HS256 keyed with the platform's public JWK (the classic RS/HS confusion, adapted to Ed25519). */
export async function hmacWithPublicKey(victim: string, jwks: { keys: JWK[] }): Promise<string> {
  const publicJwk = jwks.keys[0];
  const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
  return new SignJWT({ ...claims(victim), role: "admin" })
    .setProtectedHeader({ alg: "HS256", kid: String(header(victim).kid) })
    .sign(secret);
}

/** The platform's current signing key, read from its auth database (Postgres mode only). */
export async function platformKey(): Promise<{ kid: string; key: CryptoKey | Uint8Array } | undefined> {
  const state = JSON.parse(readFileSync(stateFile(readE2eEnv()), "utf8")) as {
    authDatabaseUrl: string | null;
  };
  if (!state.authDatabaseUrl) return undefined;
  const sql = postgres(state.authDatabaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<Array<{ id: string; private_key: string }>>`
      select id, private_key from signing_keys where retired_at is null order by created_at desc limit 1`;
    const row = rows[0];
    // The e2e platform runs without AUTH_KEY_ENCRYPTION_KEY, so the key is stored as `plain.<jwk>`.
    if (!row?.private_key.startsWith("plain.")) return undefined;
    const jwk = JSON.parse(row.private_key.slice("plain.".length)) as JWK;
    return { kid: row.id, key: await importJWK(jwk, "EdDSA") };
  } finally {
    await sql.end();
  }
}

/** A token with the victim's claims changed by `edit`, signed with the platform's real key. */
export async function signedWithPlatformKey(
  platform: { kid: string; key: CryptoKey | Uint8Array },
  victim: string,
  edit: (claims: Record<string, unknown>) => Record<string, unknown>,
): Promise<string> {
  // A fresh lifetime first, so only what `edit` changes can make the token fail.
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(edit({ ...claims(victim), iat: now, exp: now + 300 }))
    .setProtectedHeader({ alg: "EdDSA", kid: platform.kid, typ: String(header(victim).typ ?? "at+jwt") })
    .sign(platform.key);
}
