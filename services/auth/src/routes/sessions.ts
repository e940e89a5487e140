import { bearerToken, type JwtVerifier } from "@payments/auth-verify";
import {
  authListSessions,
  authLogin,
  authLogout,
  authLogoutAll,
  authRegister,
  authRevokeOtherSessions,
  authRevokeSession,
  honoPath,
  type MfaChallengeView,
  type SessionView,
} from "@payments/contracts/http";
import { type KitEnv, notFound, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { AuthCore } from "../actions/core.ts";
import { endSessionByRefreshToken, revokeUserSessions } from "../actions/sessions.ts";
import { loginUser, registerUser } from "../actions/users.ts";
import { findSession, listLiveSessions } from "../db/queries.ts";
import { sessionEndsAt, sessionState } from "../domain/sessions.ts";
import { type AuthMetrics, countedLogin } from "../metrics.ts";
import { REFRESH_COOKIE } from "../settings.ts";
import {
  assertOrigin,
  clearRefreshCookie,
  clientMeta,
  type Guards,
  sessionBody,
  setRefreshCookie,
} from "./http.ts";

/** What a malformed session id answers: it names no session of mine, as an unknown one. */
const sessionNotFound = () => notFound("No such session.", "session_not_found");

/** Register, login, logout, logout-all and the user's sessions (devices). */
export function sessionRoutes(
  core: AuthCore,
  guards: Guards,
  verifier: JwtVerifier,
  metrics: AuthMetrics,
): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const { settings } = core;

  app.post(honoPath(authRegister), validate("json", authRegister.body), async (c) => {
    assertOrigin(c, settings, false);
    const session = await registerUser(core, c.req.valid("json"), clientMeta(c, settings));
    metrics.registered();
    setRefreshCookie(c, session, core.now());
    return c.json(sessionBody(session), 201);
  });

  app.post(honoPath(authLogin), validate("json", authLogin.body), async (c) => {
    assertOrigin(c, settings, false);
    const session = await countedLogin(
      metrics,
      () => loginUser(core, c.req.valid("json"), clientMeta(c, settings)),
      (result) => ("challenge" in result ? "mfa_required" : "success"),
    );
    if ("challenge" in session) {
      // Two-factor: no session and no cookie yet (docs/adr/0018).
      const pending: MfaChallengeView = {
        mfa_required: true,
        challenge: session.challenge,
        expires_in: session.expiresIn,
      };
      return c.json(pending, 202);
    }
    setRefreshCookie(c, session, core.now());
    return c.json(sessionBody(session), 200);
  });

  app.post(honoPath(authLogout), async (c) => {
    const meta = clientMeta(c, settings);
    const token = bearerToken(c.req.header("authorization"));
    const auth = token ? await verifier.verify(token).catch(() => undefined) : undefined;
    if (auth) {
      await revokeUserSessions(core, {
        userId: auth.userId,
        target: { only: [auth.sessionId] },
        reason: "logout",
        traceparent: meta.traceparent,
      });
    } else {
      const cookie = getCookie(c, REFRESH_COOKIE);
      if (cookie) {
        assertOrigin(c, settings, true);
        await endSessionByRefreshToken(core, cookie, meta);
      }
    }
    clearRefreshCookie(c);
    return c.body(null, 204);
  });

  app.post(honoPath(authLogoutAll), guards.user, async (c) => {
    await revokeUserSessions(core, {
      userId: c.var.auth.userId,
      target: {},
      reason: "logout_all",
      traceparent: c.get("traceparent"),
    });
    clearRefreshCookie(c);
    return c.body(null, 204);
  });

  app.get(honoPath(authListSessions), guards.user, validate("query", authListSessions.query), async (c) => {
    const query = c.req.valid("query");
    const now = core.now();
    const page = await listLiveSessions(core.db, c.var.auth.userId, now, settings.session.idleMs, {
      limit: query.limit,
      startingAfter: query.starting_after,
      endingBefore: query.ending_before,
    });
    const data = page.data.map(
      (s): SessionView => ({
        id: s.id as SessionView["id"],
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: sessionEndsAt(s, settings.session).toISOString(),
        user_agent: s.userAgent,
        ip: s.ip,
        current: s.id === c.var.auth.sessionId,
      }),
    );
    return c.json({ data, has_more: page.hasMore });
  });

  app.delete(
    honoPath(authRevokeOtherSessions),
    guards.user,
    validate("query", authRevokeOtherSessions.query),
    async (c) => {
      const revoked = await revokeUserSessions(core, {
        userId: c.var.auth.userId,
        target: { allExcept: c.var.auth.sessionId },
        reason: "revoked_by_user",
        traceparent: c.get("traceparent"),
      });
      return c.json({ revoked: revoked.length });
    },
  );

  app.delete(
    honoPath(authRevokeSession),
    guards.user,
    validate("param", authRevokeSession.params, sessionNotFound),
    async (c) => {
      const { id } = c.req.valid("param");
      const session = await findSession(core.db, id);
      // Someone else's session is "not found" too: ids of other users' devices are nobody's business.
      if (
        !session ||
        session.userId !== c.var.auth.userId ||
        sessionState(session, core.now(), settings.session) !== "active"
      ) {
        throw sessionNotFound();
      }
      await revokeUserSessions(core, {
        userId: c.var.auth.userId,
        target: { only: [id] },
        reason: "revoked_by_user",
        traceparent: c.get("traceparent"),
      });
      if (id === c.var.auth.sessionId) clearRefreshCookie(c);
      return c.body(null, 204);
    },
  );

  return app;
}
