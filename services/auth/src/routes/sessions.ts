import { bearerToken, type JwtVerifier } from "@payments/auth-verify";
import { idSchema } from "@payments/contracts";
import { describeRoute, type KitEnv, notFound, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import type { AuthCore } from "../actions/core.ts";
import { endSessionByRefreshToken, revokeUserSessions } from "../actions/sessions.ts";
import { loginUser, registerUser } from "../actions/users.ts";
import { findSession, listLiveSessions } from "../db/queries.ts";
import { sessionEndsAt, sessionState } from "../domain/sessions.ts";
import { REFRESH_COOKIE } from "../settings.ts";
import {
  assertOrigin,
  clearRefreshCookie,
  clientMeta,
  errorResponses,
  type Guards,
  jsonContent,
  sessionBody,
  sessionResponseSchema,
  setRefreshCookie,
} from "./http.ts";

const emailField = z.email().max(254);
// Length policy (8–128 code points) is checked by the domain; this bound only keeps huge bodies away.
const passwordField = z.string().min(1).max(512);

const registerBody = z.strictObject({
  email: emailField,
  password: passwordField,
  name: z.string().trim().min(1).max(200),
  role: z.enum(["customer", "vendor"]),
});
const loginBody = z.strictObject({ email: emailField, password: passwordField });

const sessionSchema = z.object({
  id: idSchema("ses"),
  created_at: z.string(),
  last_used_at: z.string(),
  expires_at: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
const sessionListSchema = z.object({ data: z.array(sessionSchema), has_more: z.boolean() });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: idSchema("ses").optional(),
  ending_before: idSchema("ses").optional(),
});

/** Register, login, logout, logout-all and the user's sessions (devices). */
export function sessionRoutes(core: AuthCore, guards: Guards, verifier: JwtVerifier): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const { settings } = core;

  app.post(
    "/register",
    describeRoute({
      summary: "Create an account (customer or vendor) and sign in",
      tags: ["sessions"],
      responses: {
        201: { description: "Signed in; refresh cookie set", content: jsonContent(sessionResponseSchema) },
        ...errorResponses(400, 403, 409, 413, 429),
      },
    }),
    validate("json", registerBody),
    async (c) => {
      assertOrigin(c, settings, false);
      const session = await registerUser(core, c.req.valid("json"), clientMeta(c, settings));
      setRefreshCookie(c, session, core.now());
      return c.json(sessionBody(session), 201);
    },
  );

  app.post(
    "/login",
    describeRoute({
      summary: "Sign in with email and password",
      tags: ["sessions"],
      responses: {
        200: { description: "Signed in; refresh cookie set", content: jsonContent(sessionResponseSchema) },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    validate("json", loginBody),
    async (c) => {
      assertOrigin(c, settings, false);
      const session = await loginUser(core, c.req.valid("json"), clientMeta(c, settings));
      setRefreshCookie(c, session, core.now());
      return c.json(sessionBody(session), 200);
    },
  );

  app.post(
    "/logout",
    describeRoute({
      summary: "End this session (by access token, or by refresh cookie when the access token has expired)",
      tags: ["sessions"],
      responses: { 204: { description: "Signed out; cookie cleared" }, ...errorResponses(403) },
    }),
    async (c) => {
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
    },
  );

  app.post(
    "/logout-all",
    describeRoute({
      summary: "End every session of the user",
      tags: ["sessions"],
      responses: { 204: { description: "All sessions ended" }, ...errorResponses(401) },
    }),
    guards.user,
    async (c) => {
      await revokeUserSessions(core, {
        userId: c.var.auth.userId,
        target: {},
        reason: "logout_all",
        traceparent: c.get("traceparent"),
      });
      clearRefreshCookie(c);
      return c.body(null, 204);
    },
  );

  app.get(
    "/sessions",
    describeRoute({
      summary: "List my live sessions (devices), newest first",
      tags: ["sessions"],
      responses: {
        200: { description: "Sessions", content: jsonContent(sessionListSchema) },
        ...errorResponses(400, 401),
      },
    }),
    guards.user,
    validate("query", listQuery),
    async (c) => {
      const query = c.req.valid("query");
      const now = core.now();
      const page = await listLiveSessions(core.db, c.var.auth.userId, now, settings.session.idleMs, {
        limit: query.limit,
        startingAfter: query.starting_after,
        endingBefore: query.ending_before,
      });
      const data = page.data.map((s) => ({
        id: s.id as `ses_${string}`,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: sessionEndsAt(s, settings.session).toISOString(),
        user_agent: s.userAgent,
        ip: s.ip,
        current: s.id === c.var.auth.sessionId,
      }));
      return c.json({ data, has_more: page.hasMore });
    },
  );

  app.delete(
    "/sessions",
    describeRoute({
      summary: "End all my other sessions (`?others=true`)",
      tags: ["sessions"],
      responses: {
        200: { description: "How many ended", content: jsonContent(z.object({ revoked: z.int() })) },
        ...errorResponses(400, 401),
      },
    }),
    guards.user,
    validate("query", z.object({ others: z.literal("true") })),
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
    "/sessions/:id",
    describeRoute({
      summary: "End one of my sessions",
      tags: ["sessions"],
      responses: { 204: { description: "Ended" }, ...errorResponses(400, 401, 404) },
    }),
    guards.user,
    validate("param", z.object({ id: idSchema("ses") })),
    async (c) => {
      const { id } = c.req.valid("param");
      const session = await findSession(core.db, id);
      // Someone else's session is "not found" too: ids of other users' devices are nobody's business.
      if (
        !session ||
        session.userId !== c.var.auth.userId ||
        sessionState(session, core.now(), settings.session) !== "active"
      ) {
        throw notFound("No such session.", "session_not_found");
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
