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
  const raw = Buffer.from(keyBase64, "base64");
  if (raw.length !== 32) throw new Error("AUTH_KEY_ENCRYPTION_KEY must be 32 bytes");
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const aad = new TextEncoder().encode(purpose);
  return {
    encrypted: true,
    async seal(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = new TextEncoder().encode(plaintext);
      const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, data);
      return `v1.${Buffer.from(iv).toString("base64url")}.${Buffer.from(ciphertext).toString("base64url")}`;
    },
    async open(sealed) {
      // Keys stored before a key-encryption key was configured stay readable until they rotate out.
      if (sealed.startsWith("plain.")) return sealed.slice("plain.".length);
      const [version, iv, ciphertext] = sealed.split(".");
      if (version !== "v1" || !iv || !ciphertext)
        throw new Error("signing key is not sealed with this format");
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: Buffer.from(iv, "base64url"), additionalData: aad },
        key,
        Buffer.from(ciphertext, "base64url"),
      );
      return new TextDecoder().decode(plain);
    },
  };
}
