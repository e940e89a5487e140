import { KeyObject } from "node:crypto";
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

/** Where the verifier's public keys come from: a URL (services), a fixed set (tests) or a function (auth). */
export interface KeySourceOptions {
  jwksUrl?: string | URL | undefined;
  jwks?: JSONWebKeySet | (() => Promise<JSONWebKeySet>) | undefined;
  jwksCooldownMs?: number | undefined;
  jwksMaxAgeMs?: number | undefined;
}

/** Picks the public key for a token's header (`alg`, `kid`), as jose's key sets do. */
type KeySet = (header: JWSHeaderParameters) => Promise<CryptoKey>;

/** A resolver over a key set read from a function; rebuilt only when the function returns another set. */
function dynamicKeySet(read: () => Promise<JSONWebKeySet>): KeySet {
  let last: { set: JSONWebKeySet; resolve: KeySet } | undefined;
  return async (header) => {
    const set = await read();
    if (last?.set !== set) last = { set, resolve: createLocalJWKSet(set) };
    return last.resolve(header);
  };
}

/**
 * jose's key sets: the JWKS fetched on first use, cached, refetched when an unknown `kid` shows up (with a
 * cooldown) or when it is older than the maximum age.
 */
function keySet(opts: KeySourceOptions): KeySet {
  if (typeof opts.jwks === "function") return dynamicKeySet(opts.jwks);
  if (opts.jwks) return createLocalJWKSet(opts.jwks);
  if (opts.jwksUrl === undefined) throw new Error("createJwtVerifier needs jwksUrl or jwks");
  return createRemoteJWKSet(new URL(opts.jwksUrl), {
    cooldownDuration: opts.jwksCooldownMs ?? 30_000,
    cacheMaxAge: opts.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: 5_000,
  });
}

/** Finds the public key of a token's header (`alg`, `kid`) as SPKI PEM, the form fast-jwt verifies with. */
export type PublicKeyLookup = (header: { alg: string; kid?: string | undefined }) => Promise<string>;

/**
 * The key lookup of the verifier. jose keeps doing what it does well (fetching, caching and matching the
 * JWKS by `kid` and `alg`); its CryptoKey is turned into a PEM once per key, because the signature itself is
 * checked with node:crypto's synchronous verify (docs/adr/0044).
 */
export function publicKeyLookup(opts: KeySourceOptions): PublicKeyLookup {
  const getKey = keySet(opts);
  const pems = new WeakMap<CryptoKey, string>();
  return async ({ alg, kid }) => {
    const key = await getKey({ alg, ...(kid === undefined ? {} : { kid }) });
    let pem = pems.get(key);
    if (pem === undefined) {
      pem = KeyObject.from(key).export({ type: "spki", format: "pem" }).toString();
      pems.set(key, pem);
    }
    return pem;
  };
}
