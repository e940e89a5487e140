/** Bytes of randomness in a refresh token (256 bits). */
const REFRESH_TOKEN_BYTES = 32;

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export function newRefreshToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(REFRESH_TOKEN_BYTES))).toString("base64url");
}

/** What the database stores for a refresh token: its SHA-256, base64url. */
export function hashRefreshToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("base64url");
}

/** Shape check before any lookup, so junk never reaches the database. */
export function isRefreshTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
