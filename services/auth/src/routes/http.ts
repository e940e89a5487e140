import type { AuthEnv } from "@payments/auth-verify";
import { userSnapshotSchema } from "@payments/contracts";
import { ApiError, errorJsonSchema, type KitEnv, resolver } from "@payments/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/bun";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { ClientMeta } from "../actions/core.ts";
import type { IssuedSession } from "../actions/sessions.ts";
import { toPublicUser } from "../domain/users.ts";
import { type AuthSettings, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from "../settings.ts";

/** Hono environment of auth's routes behind `requireAuth`. */
export type AuthedEnv = KitEnv & AuthEnv;

/** The guards routes use: any signed-in user with a live session, or an admin. */
export interface Guards {
  user: MiddlewareHandler<AuthEnv>;
  admin: MiddlewareHandler<AuthEnv>;
}

/** Body of register and login (and refresh): the user, an access token and its lifetime in seconds. */
export const sessionResponseSchema = z.object({
  user: userSnapshotSchema,
  access_token: z.string(),
  expires_in: z.int(),
});

/** OpenAPI `content` of a JSON response with `schema`. */
export function jsonContent(schema: z.ZodType) {
  return { "application/json": { schema: resolver(schema) } };
}

/** OpenAPI responses for the uniform errors a route may answer with. */
export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not permitted",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    429: "Rate limited (see Retry-After)",
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? "Error",
        content: { "application/json": { schema: errorJsonSchema() } },
      },
    ]),
  );
}

const IP_SHAPE = /^[0-9A-Fa-f:.]{2,45}$/;

/** The client's address: the gateway's `X-Forwarded-For` when trusted, else the socket peer. */
export function clientIp(c: Context, settings: AuthSettings): string {
  if (settings.trustForwardedFor) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded && IP_SHAPE.test(forwarded)) return forwarded;
  }
  try {
    const address = getConnInfo(c).remote.address;
    if (address && IP_SHAPE.test(address)) return address;
  } catch {
    // Not served by Bun.serve (tests call app.request): no socket to ask.
  }
  return "unknown";
}

/** Request facts the use cases need. */
export function clientMeta<E extends KitEnv>(c: Context<E>, settings: AuthSettings): ClientMeta {
  const traceparent: unknown = c.get("traceparent");
  return {
    ip: clientIp(c, settings),
    userAgent: c.req.header("user-agent"),
    traceparent: typeof traceparent === "string" ? traceparent : undefined,
  };
}

/**
 * CSRF defence for cookie-authenticated calls: a browser always sends `Origin` on a cross-origin (and on a
 * same-origin POST) request, so a present Origin must be one of ours. `required` refuses a request without
 * one too (refresh: only browsers hold the cookie).
 */
export function assertOrigin(c: Context, settings: AuthSettings, required: boolean): void {
  const origin = c.req.header("origin");
  if (origin === undefined ? !required : settings.allowedOrigins.includes(origin)) return;
  throw new ApiError(403, "permission", "origin_not_allowed", "Requests from this origin are not allowed.");
}

/** Sets the HttpOnly, Secure, SameSite=Strict refresh cookie, scoped to `/api/auth`, until the session's end. */
export function setRefreshCookie(c: Context, session: IssuedSession, now: Date): void {
  setCookie(c, REFRESH_COOKIE, session.refreshToken, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

/** Removes the refresh cookie. */
export function clearRefreshCookie(c: Context): void {
  deleteCookie(c, REFRESH_COOKIE, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
  });
}

/** The JSON body of a signed-in session (register, login, refresh). */
export function sessionBody(session: IssuedSession): z.infer<typeof sessionResponseSchema> {
  return {
    user: toPublicUser(session.user),
    access_token: session.access.token,
    expires_in: session.access.expiresIn,
  };
}
