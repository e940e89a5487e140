import type { AuthEnv } from "@payments/auth-verify";
import type { SignedInView } from "@payments/contracts/http";
import { negotiateLocale } from "@payments/mail";
import { ApiError, type KitEnv } from "@payments/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/bun";
import { deleteCookie, setCookie } from "hono/cookie";
import type { ClientMeta } from "../actions/core.ts";
import type { IssuedSession } from "../actions/sessions.ts";
import { toPublicUser } from "../domain/users.ts";
import {
  type AuthSettings,
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
  SESSION_PRESENCE_COOKIE,
  SESSION_PRESENCE_COOKIE_PATH,
  SESSION_PRESENCE_MARGIN_SECONDS,
} from "../settings.ts";

/** Hono environment of auth's routes behind `requireAuth`. */
export type AuthedEnv = KitEnv & AuthEnv;

/** The guards routes use: any signed-in user with a live session, or an admin. */
export interface Guards {
  user: MiddlewareHandler<AuthEnv>;
  admin: MiddlewareHandler<AuthEnv>;
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
    locale: negotiateLocale(c.req.header("accept-language")),
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

/**
 * Sets the HttpOnly, Secure, SameSite=Strict refresh cookie, scoped to `/api/auth`, until the session's end,
 * and the readable presence cookie `has_session=1` until the session's idle end (docs/adr/0021).
 */
export function setRefreshCookie(c: Context, session: IssuedSession, now: Date): void {
  setCookie(c, REFRESH_COOKIE, session.refreshToken, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000)),
  });
  const idleSeconds = Math.floor((session.endsAt.getTime() - now.getTime()) / 1000);
  setCookie(c, SESSION_PRESENCE_COOKIE, "1", {
    path: SESSION_PRESENCE_COOKIE_PATH,
    secure: true,
    sameSite: "Strict",
    maxAge: Math.max(0, idleSeconds - SESSION_PRESENCE_MARGIN_SECONDS),
  });
}

/** Removes the refresh cookie and the presence cookie. */
export function clearRefreshCookie(c: Context): void {
  deleteCookie(c, REFRESH_COOKIE, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
  });
  deleteCookie(c, SESSION_PRESENCE_COOKIE, {
    path: SESSION_PRESENCE_COOKIE_PATH,
    secure: true,
    sameSite: "Strict",
  });
}

/** The JSON body of a signed-in session (register, login, refresh). */
export function sessionBody(session: IssuedSession): SignedInView {
  return {
    user: toPublicUser(session.user),
    access_token: session.access.token,
    expires_in: session.access.expiresIn,
  };
}
