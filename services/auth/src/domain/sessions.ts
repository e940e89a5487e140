/** Lifetimes of a session (refresh-token family). */
export interface SessionPolicy {
  /** From login to forced re-authentication, however active the session is. */
  absoluteMs: number;
  /** Inactivity (no refresh) after which the session ends. */
  idleMs: number;
  /** How long a just-rotated refresh token is answered 409 instead of being treated as stolen. */
  graceMs: number;
}

/** What the domain needs to know of a session. */
export interface SessionTimes {
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Whether a session can still be used. */
export type SessionState = "active" | "revoked" | "expired";

/** The state of `session` at `now`. */
export function sessionState(session: SessionTimes, now: Date, policy: SessionPolicy): SessionState {
  if (session.revokedAt) return "revoked";
  if (now.getTime() >= session.expiresAt.getTime()) return "expired";
  if (now.getTime() >= session.lastUsedAt.getTime() + policy.idleMs) return "expired";
  return "active";
}

/** Absolute end of a session started at `now`. */
export function sessionExpiresAt(now: Date, policy: SessionPolicy): Date {
  return new Date(now.getTime() + policy.absoluteMs);
}

/** When the session ends if nothing happens: the earlier of its absolute end and the idle timeout. */
export function sessionEndsAt(session: SessionTimes, policy: SessionPolicy): Date {
  return new Date(Math.min(session.expiresAt.getTime(), session.lastUsedAt.getTime() + policy.idleMs));
}

/** The presented refresh token as stored. */
export interface PresentedToken {
  rotatedAt: Date | null;
  /** Whether the token that replaced it has itself been rotated (the family moved on twice). */
  successorRotated: boolean;
}

/**
 * What to do with a refresh request:
 * - `rotate`: the token is current and its session active: issue a new pair.
 * - `ended`: the session is revoked or expired: 401, nothing else.
 * - `concurrent`: the token was rotated moments ago and its successor not used yet; this is the second of
 *   two racing requests from the same client (two tabs), so 409, family kept. The browser already holds
 *   the successor in its cookie jar, so a retry succeeds.
 * - `reuse`: a rotated token came back outside that window (or after the family moved on): someone kept
 *   a copy, so the whole family is revoked.
 */
export type RefreshDecision = "rotate" | "ended" | "concurrent" | "reuse";

/** Decides a refresh request (see {@link RefreshDecision}). */
export function decideRefresh(
  token: PresentedToken,
  session: SessionTimes,
  now: Date,
  policy: SessionPolicy,
): RefreshDecision {
  const state = sessionState(session, now, policy);
  if (state !== "active") return "ended";
  if (token.rotatedAt === null) return "rotate";
  const sinceRotation = now.getTime() - token.rotatedAt.getTime();
  if (!token.successorRotated && sinceRotation >= 0 && sinceRotation < policy.graceMs) return "concurrent";
  return "reuse";
}
