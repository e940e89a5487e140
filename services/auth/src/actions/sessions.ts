import { type EventEnvelope, newId } from "@payments/contracts";
import { withEvents } from "@payments/events";
import { ApiError, conflict } from "@payments/service-kit";
import {
  type AuthDb,
  findRefreshToken,
  insertSession,
  isNewDevice,
  type RevokeTarget,
  revokeSessions,
  rotateRefreshToken,
} from "../db/queries.ts";
import type { SessionRow, UserRecord } from "../db/schema.ts";
import { type RevokeReason, sessionStarted, sessionsRevoked } from "../domain/events.ts";
import { decideRefresh, sessionEndsAt, sessionExpiresAt } from "../domain/sessions.ts";
import { authMethods } from "../domain/two-factor.ts";
import { type PublicUser, toPublicUser } from "../domain/users.ts";
import { type IssuedAccessToken, issueAccessToken } from "../keys/access-tokens.ts";
import { hashRefreshToken, isRefreshTokenShape, newRefreshToken } from "../security/tokens.ts";
import type { AuthCore, ClientMeta } from "./core.ts";

/** A signed-in session: the refresh token goes to the cookie, the access token to the body. */
export interface IssuedSession {
  user: UserRecord;
  sessionId: string;
  refreshToken: string;
  /** Absolute end of the session (the cookie's expiry). */
  expiresAt: Date;
  /** Signed in with a second factor (docs/adr/0018). */
  mfa: boolean;
  /**
   * When the session ends unless it is refreshed again: the earlier of `expiresAt` and the idle limit
   * from now (it was just used). The presence cookie lives this long (docs/adr/0021).
   */
  endsAt: Date;
  access: IssuedAccessToken;
}

const USER_AGENT_MAX = 256;

/**
 * Writes a new session (device) and its first refresh token in `tx`, and emits `session.started`. `mfa`:
 * the sign-in passed a second factor.
 */
export async function createSession(
  core: AuthCore,
  tx: AuthDb,
  emit: (...events: EventEnvelope[]) => void,
  user: UserRecord,
  meta: ClientMeta,
  mfa = false,
): Promise<Omit<IssuedSession, "access" | "endsAt">> {
  const now = core.now();
  const sessionId = newId("ses");
  const refreshToken = newRefreshToken();
  const expiresAt = sessionExpiresAt(now, core.settings.session);
  const userAgent = meta.userAgent?.slice(0, USER_AGENT_MAX) ?? null;
  const newDevice = await isNewDevice(tx, user.id, userAgent);
  await insertSession(
    tx,
    {
      id: sessionId,
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      userAgent,
      ip: meta.ip,
      mfa,
    },
    hashRefreshToken(refreshToken),
  );
  emit(
    sessionStarted(toPublicUser(user), sessionId, expiresAt, meta.traceparent, {
      newDevice,
      device: userAgent,
    }),
  );
  return { user, sessionId, refreshToken, expiresAt, mfa };
}

/** Signs the access token of a session just created or refreshed. */
export async function withAccessToken(
  core: AuthCore,
  session: Omit<IssuedSession, "access" | "endsAt">,
): Promise<IssuedSession> {
  const access = await issueAccessToken(
    core.keys,
    {
      userId: session.user.id,
      role: session.user.role,
      sessionId: session.sessionId,
      amr: authMethods(session.mfa),
    },
    core.settings.tokens,
    core.now(),
  );
  // Issued or rotated just now, so the session was last used now (createSession / rotateRefreshToken).
  const endsAt = sessionEndsAt(
    { expiresAt: session.expiresAt, lastUsedAt: core.now(), revokedAt: null },
    core.settings.session,
  );
  return { ...session, endsAt, access };
}

/** The 401 of every refresh that cannot succeed; one message whatever the reason. */
export function invalidRefresh(): ApiError {
  return new ApiError(
    401,
    "authentication",
    "invalid_refresh_token",
    "The session has ended; sign in again.",
  );
}

/**
 * Revokes sessions of one user and emits `session.revoked` for those that were live, in one transaction
 * (or inside `tx` when the caller already has one). Returns the revoked ids.
 */
export async function revokeUserSessions(
  core: AuthCore,
  args: { userId: string; target: RevokeTarget; reason: RevokeReason; traceparent: string | undefined },
  tx?: { db: AuthDb; emit: (...events: ReturnType<typeof sessionsRevoked>) => void },
): Promise<string[]> {
  const run = async (db: AuthDb, emit: (...events: ReturnType<typeof sessionsRevoked>) => void) => {
    const ids = await revokeSessions(db, {
      userId: args.userId,
      target: args.target,
      reason: args.reason,
      now: core.now(),
      idleMs: core.settings.session.idleMs,
    });
    emit(
      ...sessionsRevoked(
        args.userId as PublicUser["id"],
        ids as `ses_${string}`[],
        args.reason,
        args.traceparent,
      ),
    );
    return ids;
  };
  if (tx) return run(tx.db, tx.emit);
  return withEvents(core, run);
}

/**
 * Rotates a refresh token (see `decideRefresh`): a new pair for the current token of a live session; 409
 * for the loser of a race inside the grace window; reuse of an old token revokes the family.
 */
export async function refreshSession(
  core: AuthCore,
  token: string,
  meta: ClientMeta,
): Promise<IssuedSession> {
  if (!isRefreshTokenShape(token)) throw invalidRefresh();
  const hash = hashRefreshToken(token);
  const policy = core.settings.session;
  for (let attempt = 0; attempt < 2; attempt++) {
    const found = await findRefreshToken(core.db, hash);
    if (!found) throw invalidRefresh();
    const now = core.now();
    const decision = decideRefresh(found, found.session, now, policy);
    if (decision === "ended") throw invalidRefresh();
    if (decision === "concurrent") {
      throw conflict("refresh_conflict", "This refresh token was just rotated by another request; retry.");
    }
    if (decision === "reuse") {
      await reuseDetected(core, found.session, meta);
      throw invalidRefresh();
    }
    const next = newRefreshToken();
    const won = await core.db.transaction((tx) =>
      rotateRefreshToken(tx, {
        sessionId: found.session.id,
        oldHash: hash,
        newHash: hashRefreshToken(next),
        now,
      }),
    );
    // Lost the race to a concurrent request: read again, which now says "concurrent" or "reuse".
    if (!won) continue;
    // Through the cache: a deactivation or role change revokes the session too, so the token just rotated
    // was live after any such change committed, whatever this copy of the user says.
    const user = await core.users.byId(found.session.userId);
    if (!user?.active) throw invalidRefresh();
    return withAccessToken(core, {
      user,
      sessionId: found.session.id,
      refreshToken: next,
      expiresAt: found.session.expiresAt,
      mfa: found.session.mfa,
    });
  }
  throw invalidRefresh();
}

async function reuseDetected(core: AuthCore, session: SessionRow, meta: ClientMeta): Promise<void> {
  core.logger.warn(
    { session_id: session.id, user_id: session.userId, ip: meta.ip },
    "refresh token reuse detected; revoking the session's token family",
  );
  await revokeUserSessions(core, {
    userId: session.userId,
    target: { only: [session.id] },
    reason: "refresh_token_reuse",
    traceparent: meta.traceparent,
  });
}

/** Ends the session of a refresh token (logout without a valid access token); unknown tokens do nothing. */
export async function endSessionByRefreshToken(
  core: AuthCore,
  token: string,
  meta: ClientMeta,
): Promise<void> {
  if (!isRefreshTokenShape(token)) return;
  const found = await findRefreshToken(core.db, hashRefreshToken(token));
  if (!found) return;
  await revokeUserSessions(core, {
    userId: found.session.userId,
    target: { only: [found.session.id] },
    reason: "logout",
    traceparent: meta.traceparent,
  });
}
