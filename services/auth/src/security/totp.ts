import { generateSecret, generateURI, verify } from "otplib";
import { renderSVG } from "uqr";

/**
 * TOTP (RFC 6238) as authenticator apps implement it: SHA-1, six digits, 30-second steps — the only
 * parameters every app honours, so none is configurable. otplib 13 does the arithmetic.
 */

/** Seconds a code stays current. */
export const TOTP_PERIOD_SECONDS = 30;

/**
 * Codes of the previous and the next step are accepted too (one step of clock drift either way, as most
 * services do); replay protection (`afterTimeStep`) keeps each step usable once.
 */
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

/** A new random secret: 20 bytes (160 bits, RFC 4226's recommendation), base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` URI apps read from a QR code. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The URI as a QR code, an SVG `data:` URL (the edge's CSP allows `img-src data:`). */
export function qrCodeDataUrl(text: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(renderSVG(text, { border: 4, ecc: "M" })).toString("base64")}`;
}

/** The current time step at `now` (what `afterTimeStep` compares with). */
export function timeStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Checks `code` at `now`. Returns the time step it belongs to, or undefined when it is wrong or belongs to
 * `afterTimeStep` or an earlier step (already used). Never throws for a bad code.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  now: Date,
  afterTimeStep: number | null,
): Promise<number | undefined> {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const epoch = Math.floor(now.getTime() / 1000);
  // otplib refuses an `afterTimeStep` beyond the window (the clock went back): every code is then "used".
  if (afterTimeStep !== null && afterTimeStep >= timeStepAt(now) + 1) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterTimeStep !== null ? { afterTimeStep } : {}),
  });
  // The result type covers HOTP too; a TOTP match always names its time step.
  return result.valid && "timeStep" in result ? result.timeStep : undefined;
}
