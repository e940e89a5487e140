import { createEvent, type EventEnvelope } from "@payments/contracts";
import type { RecoveryCodesView, TwoFactorSetupView, TwoFactorStatusView } from "@payments/contracts/http";
import { withEvents } from "@payments/events";
import { type ApiError, badRequest, conflict, rateLimited } from "@payments/service-kit";
import type { AuthDb } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import {
  claimTimeStep,
  deleteTwoFactor,
  enableTwoFactor,
  findTwoFactor,
  markSessionMfa,
  putPendingSecret,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  useRecoveryCode,
} from "../db/two-factor-queries.ts";
import type { TwoFactorRow } from "../db/two-factor-schema.ts";
import { PRODUCER } from "../domain/events.ts";
import {
  hashRecoveryCode,
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from "../domain/two-factor.ts";
import { newTotpSecret, qrCodeDataUrl, totpUri, verifyTotp } from "../security/totp.ts";
import type { AuthCore } from "./core.ts";

/** A second factor as a request carries it: an app code or a recovery code, exactly one. */
export interface FactorInput {
  code?: string | undefined;
  recovery_code?: string | undefined;
}

/** What a change of the second factor was, as `user.two_factor_changed` says it. */
type Change = "enabled" | "disabled" | "recovery_codes_regenerated" | "recovery_code_used";

/** `user.two_factor_changed`: the security notice every change of the second factor sends. */
export function twoFactorChanged(
  user: UserRow,
  change: Change,
  remaining: number,
  traceparent: string | undefined,
): EventEnvelope {
  return createEvent({
    type: "user.two_factor_changed",
    producer: PRODUCER,
    subject: user.id,
    data: {
      user_id: user.id as `usr_${string}`,
      email: user.email,
      change,
      enabled: change !== "disabled",
      recovery_codes_remaining: remaining,
    },
    traceparent,
  });
}

/** The 400 of a wrong or already used code on the account pages. */
function invalidCode(param: string): ApiError {
  return badRequest("invalid_mfa_code", "The code is wrong or was already used.", param);
}

const notEnabled = () => conflict("mfa_not_enabled", "Two-factor sign-in is not enabled.");
const alreadyEnabled = () =>
  conflict("mfa_already_enabled", "Two-factor sign-in is already enabled; disable it first.");

/** Refuses with 429 when the account has had too many wrong codes this hour. */
export async function assertMfaAttemptsLeft(core: AuthCore, userId: string): Promise<void> {
  const wait = await core.mfaThrottle.refusal(userId, core.settings.twoFactor.failuresPerAccountHour);
  if (wait !== undefined) throw rateLimited(wait, "Too many wrong codes; wait before trying again.");
}

/**
 * Checks a second factor of an enabled account inside `tx` and spends it: an app code's time step is
 * claimed (a code works once), a recovery code is marked used. Returns which kind passed, or undefined.
 */
export async function spendFactor(
  core: AuthCore,
  tx: AuthDb,
  row: TwoFactorRow,
  input: FactorInput,
): Promise<"totp" | "recovery_code" | undefined> {
  if (input.code !== undefined) {
    const secret = await core.secrets.open(row.secret);
    const step = await verifyTotp(secret, input.code, core.now(), row.lastTimeStep);
    if (step === undefined) return undefined;
    return (await claimTimeStep(tx, row.userId, step)) ? "totp" : undefined;
  }
  if (input.recovery_code !== undefined) {
    const code = normalizeRecoveryCode(input.recovery_code);
    if (!code) return undefined;
    const used = await useRecoveryCode(tx, row.userId, hashRecoveryCode(row.userId, code), core.now());
    return used ? "recovery_code" : undefined;
  }
  return undefined;
}

/** Ten new recovery codes for `userId`, stored hashed in `tx`; the plain codes go to the user once. */
async function issueRecoveryCodes(core: AuthCore, tx: AuthDb, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = codes.map((c) => hashRecoveryCode(userId, normalizeRecoveryCode(c) ?? c));
  await replaceRecoveryCodes(tx, userId, hashes, core.now());
  return codes;
}

/** The status page's facts. */
export async function twoFactorStatus(core: AuthCore, userId: string): Promise<TwoFactorStatusView> {
  const row = await findTwoFactor(core.db, userId);
  const enabled = row?.enabledAt != null;
  return {
    enabled,
    enabled_at: row?.enabledAt?.toISOString() ?? null,
    recovery_codes_remaining: enabled ? await remainingRecoveryCodes(core.db, userId) : 0,
  };
}

/** Starts enrolment: a new secret (sealed at rest), its URI and QR code. 409 when already enabled. */
export async function setupTwoFactor(core: AuthCore, user: UserRow): Promise<TwoFactorSetupView> {
  const secret = newTotpSecret();
  const stored = await putPendingSecret(core.db, {
    userId: user.id,
    sealedSecret: await core.secrets.seal(secret),
    now: core.now(),
  });
  if (!stored) throw alreadyEnabled();
  const uri = totpUri(secret, core.settings.twoFactor.issuer, user.email);
  return { secret, otpauth_uri: uri, qr_code: qrCodeDataUrl(uri) };
}

/**
 * Confirms enrolment with a first code: enables the secret, issues the recovery codes and marks this
 * session as two-factor (it just proved the factor). Wrong codes count against the account's limit.
 */
export async function enableTwoFactorWithCode(
  core: AuthCore,
  args: { user: UserRow; sessionId: string; code: string; traceparent: string | undefined },
): Promise<RecoveryCodesView> {
  const { user } = args;
  const row = await findTwoFactor(core.db, user.id);
  if (!row) throw conflict("mfa_setup_required", "Start with POST /2fa/setup.");
  if (row.enabledAt) throw alreadyEnabled();
  await assertMfaAttemptsLeft(core, user.id);
  const step = await verifyTotp(await core.secrets.open(row.secret), args.code, core.now(), null);
  if (step === undefined) {
    await core.mfaThrottle.failed(user.id);
    throw invalidCode("code");
  }
  return withEvents(core, async (tx, emit) => {
    const enabled = await enableTwoFactor(tx, {
      userId: user.id,
      sealedSecret: row.secret,
      timeStep: step,
      now: core.now(),
    });
    // Enabled meanwhile by another request, or set up anew: either way this code confirmed nothing.
    if (!enabled) throw conflict("mfa_setup_changed", "Two-factor changed meanwhile; reload and try again.");
    const codes = await issueRecoveryCodes(core, tx, user.id);
    await markSessionMfa(tx, args.sessionId);
    emit(twoFactorChanged(user, "enabled", codes.length, args.traceparent));
    return { recovery_codes: codes };
  });
}

/** Runs `change` after a factor of an enabled account passed; wrong factors count against the limit. */
async function withFactor<T>(
  core: AuthCore,
  user: UserRow,
  input: FactorInput,
  change: (tx: AuthDb, emit: (...events: EventEnvelope[]) => void) => Promise<T>,
): Promise<T> {
  const row = await findTwoFactor(core.db, user.id);
  if (!row?.enabledAt) throw notEnabled();
  await assertMfaAttemptsLeft(core, user.id);
  const result = await withEvents(core, async (tx, emit) => {
    const spent = await spendFactor(core, tx, row, input);
    return spent ? { value: await change(tx, emit) } : undefined;
  });
  if (!result) {
    await core.mfaThrottle.failed(user.id);
    throw invalidCode(input.code !== undefined ? "code" : "recovery_code");
  }
  return result.value;
}

/** Turns two-factor off after a current code (or a recovery code): the secret and codes are deleted. */
export async function disableTwoFactor(
  core: AuthCore,
  args: { user: UserRow; factor: FactorInput; traceparent: string | undefined },
): Promise<void> {
  await withFactor(core, args.user, args.factor, async (tx, emit) => {
    await deleteTwoFactor(tx, args.user.id);
    emit(twoFactorChanged(args.user, "disabled", 0, args.traceparent));
  });
}

/** Replaces the recovery codes after a current app code; the old ones stop working. */
export async function regenerateRecoveryCodes(
  core: AuthCore,
  args: { user: UserRow; code: string; traceparent: string | undefined },
): Promise<RecoveryCodesView> {
  return withFactor(core, args.user, { code: args.code }, async (tx, emit) => {
    const codes = await issueRecoveryCodes(core, tx, args.user.id);
    emit(twoFactorChanged(args.user, "recovery_codes_regenerated", codes.length, args.traceparent));
    return { recovery_codes: codes };
  });
}
