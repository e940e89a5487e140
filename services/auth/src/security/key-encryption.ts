import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Seals private signing keys for storage. With a key-encryption key (AUTH_KEY_ENCRYPTION_KEY) the JWK is
 * AES-256-GCM encrypted (`v1.<iv>.<ciphertext>`); without one (development) it is stored as `plain.<json>`
 * and the service warns at start. Someone reading the database then cannot mint tokens.
 */
export interface KeySealer {
  readonly encrypted: boolean;
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

/** The pass-through sealer of development (no AUTH_KEY_ENCRYPTION_KEY): `plain.<text>`. */
export function plainKeySealer(): KeySealer {
  return {
    encrypted: false,
    seal: async (plaintext) => `plain.${plaintext}`,
    async open(sealed) {
      if (!sealed.startsWith("plain."))
        throw new Error("secret is encrypted but no AUTH_KEY_ENCRYPTION_KEY is set");
      return sealed.slice("plain.".length);
    },
  };
}

/** What a sealer protects: bound into the ciphertext, so a value sealed for one purpose opens for no other. */
export type SealPurpose = "payments-auth-signing-key" | "payments-auth-totp-secret";

/**
 * Builds a {@link KeySealer} from a base64 32-byte key, or a pass-through one when `keyBase64` is undefined.
 * `purpose` is the AES-GCM additional data (signing keys by default; TOTP secrets use their own).
 */
export async function createKeySealer(
  keyBase64: string | undefined,
  purpose: SealPurpose = "payments-auth-signing-key",
): Promise<KeySealer> {
  if (keyBase64 === undefined) return plainKeySealer();
  const key = Buffer.from(keyBase64, "base64");
  if (key.length !== 32) throw new Error("AUTH_KEY_ENCRYPTION_KEY must be 32 bytes");
  const aad = Buffer.from(purpose);
  // node:crypto rather than WebCrypto: synchronous, so a sign-in never waits on Bun's asynchronous crypto,
  // which stalled for seconds under load (docs/adr/0044). The format is WebCrypto's: the ciphertext
  // followed by the 16-byte tag, so values sealed before still open.
  return {
    encrypted: true,
    async seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const ciphertext = Buffer.concat([
        cipher.update(plaintext, "utf8"),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `v1.${iv.toString("base64url")}.${ciphertext.toString("base64url")}`;
    },
    async open(sealed) {
      // Keys stored before a key-encryption key was configured stay readable until they rotate out.
      if (sealed.startsWith("plain.")) return sealed.slice("plain.".length);
      const [version, iv, ciphertext] = sealed.split(".");
      if (version !== "v1" || !iv || !ciphertext)
        throw new Error("signing key is not sealed with this format");
      const data = Buffer.from(ciphertext, "base64url");
      if (data.length < 16) throw new Error("sealed value is too short");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url")).setAAD(aad);
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
        "utf8",
      );
    },
  };
}
