import { z } from "zod";
import { timestampSchema } from "../time/time.ts";
import { signedInSchema } from "./auth-sessions.ts";
import { component, operation } from "./operation.ts";

/**
 * The auth service's two-factor routes (TOTP, RFC 6238, with single-use recovery codes), mounted at
 * `/api/auth` (docs/adr/0018). A login of an account with two-factor enabled answers 202 `MfaChallenge`
 * instead of signing in; `POST /login/2fa` completes it.
 */

/** A six-digit code of an authenticator app. */
export const totpCodeField = z
  .string()
  .regex(/^[0-9]{6}$/, "six digits")
  .describe("The six-digit code the authenticator app shows now");

/** A recovery code as shown at enrolment; case, spaces and dashes do not matter. */
export const recoveryCodeField = z
  .string()
  .min(12)
  .max(24)
  .regex(/^[A-Za-z0-9 -]+$/, "letters, digits, spaces and dashes")
  .describe("One of the recovery codes shown when two-factor was enabled (each works once)");

/** The opaque challenge of a login that waits for its second factor. */
export const mfaChallengeField = z
  .string()
  .min(20)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "base64url")
  .describe("The `challenge` of the login's 202 answer");

/** `{code}` or `{recovery_code}`, exactly one of them (the document says so with `oneOf`). */
const ONE_FACTOR = {
  oneOf: [
    { required: ["code"], not: { required: ["recovery_code"] } },
    { required: ["recovery_code"], not: { required: ["code"] } },
  ],
};
const exactlyOne = (b: { code?: string | undefined; recovery_code?: string | undefined }) =>
  (b.code === undefined) !== (b.recovery_code === undefined);
const EXACTLY_ONE_MESSAGE = "Give either code or recovery_code.";

/** Body of `POST /login/2fa`. */
export const completeLoginBody = z
  .strictObject({
    challenge: mfaChallengeField,
    code: totpCodeField.optional(),
    recovery_code: recoveryCodeField.optional(),
  })
  .refine(exactlyOne, { message: EXACTLY_ONE_MESSAGE, path: ["code"] })
  .meta(ONE_FACTOR);

/** Body of `POST /2fa/enable` and `POST /2fa/recovery-codes`: a current code proves the app works. */
export const totpCodeBody = z.strictObject({ code: totpCodeField });

/** Body of `POST /2fa/disable`: a current code, or a recovery code when the app is lost. */
export const disableTwoFactorBody = z
  .strictObject({ code: totpCodeField.optional(), recovery_code: recoveryCodeField.optional() })
  .refine(exactlyOne, { message: EXACTLY_ONE_MESSAGE, path: ["code"] })
  .meta(ONE_FACTOR);

/** Whether my account has two-factor, and how many recovery codes are left. */
export const twoFactorStatusSchema = component(
  "TwoFactorStatus",
  z.object({
    enabled: z.boolean(),
    enabled_at: timestampSchema.nullable(),
    recovery_codes_remaining: z.int().min(0).describe("Unused recovery codes (0 when disabled)"),
  }),
);
export type TwoFactorStatusView = z.infer<typeof twoFactorStatusSchema>;

/** A new, not yet enabled secret: for the QR code or to type into the app. */
export const twoFactorSetupSchema = component(
  "TwoFactorSetup",
  z.object({
    secret: z.string().describe("Base32 secret, for typing into an app that cannot scan"),
    otpauth_uri: z.string().describe("`otpauth://totp/…` URI (what the QR code holds)"),
    qr_code: z.string().describe("The URI as a QR code: `data:image/svg+xml;base64,…`"),
  }),
  "Scan the QR code (or type the secret), then confirm with a code: `POST /2fa/enable`",
);
export type TwoFactorSetupView = z.infer<typeof twoFactorSetupSchema>;

/** Recovery codes, shown once: only their hashes are kept. */
export const recoveryCodesSchema = component(
  "RecoveryCodes",
  z.object({
    recovery_codes: z.array(z.string()).describe("Ten single-use codes; shown this once"),
  }),
);
export type RecoveryCodesView = z.infer<typeof recoveryCodesSchema>;

const setsCookie = {
  "Set-Cookie":
    "The refresh cookie (HttpOnly, Secure, SameSite=Strict, Path=/api/auth) and `has_session=1` (docs/adr/0021)",
};
const WRONG_CODE =
  "A wrong or already used code is 400 `invalid_mfa_code`; attempts per account are limited (429).";

export const authCompleteLogin = operation({
  service: "auth",
  id: "auth.completeLogin",
  method: "post",
  path: "/login/2fa",
  summary: "Finish a sign-in with the second factor: a code or a recovery code",
  description:
    "A browser's `Origin` must be one of the platform's (otherwise 403 `origin_not_allowed`). An unknown, " +
    "expired or used challenge, or one with five wrong attempts, is 401 `invalid_mfa_challenge` (sign in " +
    "again); a wrong or already used code is 401 `invalid_mfa_code`; attempts per account are limited (429).",
  tags: ["sessions"],
  security: "public",
  body: completeLoginBody,
  responses: { 200: { description: "Signed in", schema: signedInSchema, headers: setsCookie } },
  errors: [401, 403],
});

export const authGetTwoFactor = operation({
  service: "auth",
  id: "auth.getTwoFactor",
  method: "get",
  path: "/2fa",
  summary: "Whether my account has two-factor sign-in",
  tags: ["account"],
  security: "bearer",
  responses: { 200: { description: "Two-factor status", schema: twoFactorStatusSchema } },
});

export const authSetupTwoFactor = operation({
  service: "auth",
  id: "auth.setupTwoFactor",
  method: "post",
  path: "/2fa/setup",
  summary: "Start enrolling: a new secret and its QR code (replaces an unconfirmed one)",
  description: "With two-factor already enabled: 409 `mfa_already_enabled` (disable it first).",
  tags: ["account"],
  security: "bearer",
  responses: { 200: { description: "The secret to confirm", schema: twoFactorSetupSchema } },
  errors: [409],
});

export const authEnableTwoFactor = operation({
  service: "auth",
  id: "auth.enableTwoFactor",
  method: "post",
  path: "/2fa/enable",
  summary: "Confirm enrolment with a code; answers the recovery codes once",
  description:
    `${WRONG_CODE} Without a setup first: 409 \`mfa_setup_required\`; already enabled: 409 ` +
    "`mfa_already_enabled`. This session counts as signed in with two factors from now on.",
  tags: ["account"],
  security: "bearer",
  body: totpCodeBody,
  responses: { 200: { description: "Enabled; the recovery codes", schema: recoveryCodesSchema } },
  errors: [409],
});

export const authDisableTwoFactor = operation({
  service: "auth",
  id: "auth.disableTwoFactor",
  method: "post",
  path: "/2fa/disable",
  summary: "Turn two-factor off; needs a current code or a recovery code",
  description: `${WRONG_CODE} Not enabled: 409 \`mfa_not_enabled\`.`,
  tags: ["account"],
  security: "bearer",
  body: disableTwoFactorBody,
  responses: { 204: { description: "Disabled; the secret and recovery codes are deleted" } },
  errors: [409],
});

export const authRegenerateRecoveryCodes = operation({
  service: "auth",
  id: "auth.regenerateRecoveryCodes",
  method: "post",
  path: "/2fa/recovery-codes",
  summary: "Replace my recovery codes (the old ones stop working); needs a current code",
  description: `${WRONG_CODE} Not enabled: 409 \`mfa_not_enabled\`.`,
  tags: ["account"],
  security: "bearer",
  body: totpCodeBody,
  responses: { 200: { description: "The new recovery codes", schema: recoveryCodesSchema } },
  errors: [409],
});

/** The two-factor operations. */
export const AUTH_TWO_FACTOR_OPERATIONS = [
  authCompleteLogin,
  authGetTwoFactor,
  authSetupTwoFactor,
  authEnableTwoFactor,
  authDisableTwoFactor,
  authRegenerateRecoveryCodes,
] as const;
