import { createPrivateKey, type KeyObject } from "node:crypto";
import { ACCESS_TOKEN_ALGORITHM } from "@payments/auth-verify";
import { newId } from "@payments/contracts";
import type { JwksView } from "@payments/contracts/http";
import type { Database } from "@payments/db";
import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { type AuthSchema, type SigningKeyRow, signingKeys } from "../db/schema.ts";
import type { KeySealer } from "../security/key-encryption.ts";

/** The key that signs new access tokens. */
export interface SigningKey {
  kid: string;
  /** A node:crypto key: signing is synchronous, never through WebCrypto's work pool (docs/adr/0044). */
  key: KeyObject;
  createdAt: Date;
}

/** Signing keys in the database: the current one signs, current + previous are published. */
export interface KeyStore {
  /** The current signing key, creating the first one if there is none. Cached for `cacheMs`. */
  current(): Promise<SigningKey>;
  /** The public keys to publish: current and the one it replaced. */
  jwks(): Promise<JwksView>;
  /** Makes a new current key; the old one becomes "previous" (still published), older ones drop out. */
  rotate(): Promise<string>;
  /** Rotates when the current key is older than `maxAgeMs`; returns the new kid or undefined. */
  rotateIfOlderThan(maxAgeMs: number): Promise<string | undefined>;
}

/** Options of {@link createKeyStore}. */
export interface KeyStoreOptions {
  db: Database<AuthSchema>;
  sealer: KeySealer;
  now: () => Date;
  /** How long this instance trusts its cached current key before asking the database again (default 60 s). */
  cacheMs?: number;
}

// Serialises key creation and rotation across instances (and across services sharing nothing but a lock id).
const KEY_LOCK = sql`SELECT pg_advisory_xact_lock(hashtext('auth.signing_keys'))`;

type PublicJwk = JwksView["keys"][number];

/** The published half of a key: exactly the contract's members (a stored JWK with more would leak them). */
function publicJwk(row: SigningKeyRow): PublicJwk {
  const { kty, crv, x } = row.publicJwk;
  if (!kty || !crv || !x) throw new Error(`signing key ${row.id} has an incomplete public JWK`);
  return { kty, crv, x, kid: row.id, alg: row.algorithm, use: "sig" };
}

/** Builds the {@link KeyStore}. */
export function createKeyStore(opts: KeyStoreOptions): KeyStore {
  const cacheMs = opts.cacheMs ?? 60_000;
  let cached: { key: SigningKey; loadedAt: number } | undefined;
  let cachedSet: { set: JwksView; loadedAt: number } | undefined;

  async function newKeyRow(now: Date): Promise<typeof signingKeys.$inferInsert> {
    const pair = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: "Ed25519", extractable: true });
    const { kty, crv, x } = await exportJWK(pair.publicKey);
    const privateJwk = await exportJWK(pair.privateKey);
    return {
      id: newId("key"),
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: { kty, crv, x },
      privateKey: await opts.sealer.seal(JSON.stringify(privateJwk)),
      createdAt: now,
    };
  }

  async function currentRow(db: Database<AuthSchema>): Promise<SigningKeyRow | undefined> {
    const [row] = await db
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.algorithm, ACCESS_TOKEN_ALGORITHM), isNull(signingKeys.retiredAt)));
    return row;
  }

  async function toSigningKey(row: SigningKeyRow): Promise<SigningKey> {
    const jwk = JSON.parse(await opts.sealer.open(row.privateKey)) as JWK;
    const key = createPrivateKey({ key: jwk, format: "jwk" });
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`signing key ${row.id} is not an Ed25519 key`);
    return { kid: row.id, key, createdAt: row.createdAt };
  }

  /**
   * Inside the lock: retire the current key (if any), delete the keys retired before it (no token they
   * signed is accepted any more, so their private halves are only a liability) and insert a new one.
   */
  async function rotateLocked(tx: Database<AuthSchema>, now: Date): Promise<string> {
    const old = await currentRow(tx);
    await tx
      .delete(signingKeys)
      .where(and(eq(signingKeys.algorithm, ACCESS_TOKEN_ALGORITHM), isNotNull(signingKeys.retiredAt)));
    if (old) await tx.update(signingKeys).set({ retiredAt: now }).where(eq(signingKeys.id, old.id));
    const row = await newKeyRow(now);
    await tx.insert(signingKeys).values(row);
    return row.id;
  }

  const store: KeyStore = {
    async current() {
      const nowMs = opts.now().getTime();
      if (cached && nowMs - cached.loadedAt < cacheMs) return cached.key;
      let row = await currentRow(opts.db);
      if (!row) {
        row = await opts.db.transaction(async (tx) => {
          await tx.execute(KEY_LOCK);
          const existing = await currentRow(tx);
          if (existing) return existing;
          await rotateLocked(tx, opts.now());
          return currentRow(tx);
        });
        if (!row) throw new Error("no signing key after creating one");
      }
      // The same key as before is kept, not decrypted and imported again: only a rotation makes a new one.
      const key = cached?.key.kid === row.id ? cached.key : await toSigningKey(row);
      if (cached?.key.kid !== key.kid) cachedSet = undefined;
      cached = { key, loadedAt: nowMs };
      return key;
    },
    async jwks() {
      const nowMs = opts.now().getTime();
      // The same object while cached, so verifiers built on it keep their imported keys.
      if (cachedSet && nowMs - cachedSet.loadedAt < cacheMs) return cachedSet.set;
      // Makes the first key on a fresh database, so the set is never empty.
      await store.current();
      const current = await currentRow(opts.db);
      const [previous] = await opts.db
        .select()
        .from(signingKeys)
        .where(and(eq(signingKeys.algorithm, ACCESS_TOKEN_ALGORITHM), isNotNull(signingKeys.retiredAt)))
        .orderBy(desc(signingKeys.retiredAt), desc(signingKeys.id))
        .limit(1);
      const set = {
        keys: [current, previous].filter((r): r is SigningKeyRow => r !== undefined).map(publicJwk),
      };
      cachedSet = { set, loadedAt: nowMs };
      return set;
    },
    async rotate() {
      const kid = await opts.db.transaction(async (tx) => {
        await tx.execute(KEY_LOCK);
        return rotateLocked(tx, opts.now());
      });
      cached = undefined;
      cachedSet = undefined;
      return kid;
    },
    async rotateIfOlderThan(maxAgeMs) {
      const kid = await opts.db.transaction(async (tx) => {
        await tx.execute(KEY_LOCK);
        const row = await currentRow(tx);
        if (row && opts.now().getTime() - row.createdAt.getTime() < maxAgeMs) return undefined;
        return rotateLocked(tx, opts.now());
      });
      if (kid) {
        cached = undefined;
        cachedSet = undefined;
      }
      return kid;
    },
  };
  return store;
}
