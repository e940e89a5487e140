import type { AuthEnv } from "@payments/auth-verify";
import type { KitEnv } from "@payments/service-kit";
import type { Context, MiddlewareHandler } from "hono";

/** The guard every admin route uses: a valid access token with role admin (401 / 403 otherwise). */
export type AdminGuard = MiddlewareHandler<AuthEnv>;

/** `traceparent` of the request's server span, for the events it causes. */
export function requestTraceparent<E extends KitEnv>(c: Context<E>): string | undefined {
  const value: unknown = c.get("traceparent");
  return typeof value === "string" ? value : undefined;
}
