import type { AuthEnv } from "@payments/auth-verify";
import { badRequest, errorJsonSchema, type KitEnv, resolver } from "@payments/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";

/** Hono environment of routes behind `requireAuth`. */
export type AuthedEnv = KitEnv & AuthEnv;

/** The guard every admin route uses: a valid access token with role admin (401 / 403 otherwise). */
export type AdminGuard = MiddlewareHandler<AuthEnv>;

/** OpenAPI `content` of a JSON response with `schema`. */
export function jsonContent(schema: z.ZodType) {
  return { "application/json": { schema: resolver(schema) } };
}

/** OpenAPI responses for the uniform errors a route may answer with. */
export function errorResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not an admin",
    404: "Not found",
    409: "Conflict",
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

/** `traceparent` of the request's server span, for the events it causes. */
export function requestTraceparent<E extends KitEnv>(c: Context<E>): string | undefined {
  const value: unknown = c.get("traceparent");
  return typeof value === "string" ? value : undefined;
}

/** Refuses `starting_after` together with `ending_before`. */
export function assertOneCursor(q: { starting_after?: unknown; ending_before?: unknown }): void {
  if (q.starting_after !== undefined && q.ending_before !== undefined) {
    throw badRequest(
      "invalid_request",
      "Use either starting_after or ending_before, not both.",
      "ending_before",
    );
  }
}

/** `limit` of list routes (ARCHITECTURE §3). */
export const limitParam = z.coerce.number().int().min(1).max(100).default(20);
