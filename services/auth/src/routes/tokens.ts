import { describeRoute, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import type { AuthCore } from "../actions/core.ts";
import { invalidRefresh, refreshSession } from "../actions/sessions.ts";
import { REFRESH_COOKIE } from "../settings.ts";
import {
  assertOrigin,
  clearRefreshCookie,
  clientMeta,
  errorResponses,
  jsonContent,
  sessionBody,
  sessionResponseSchema,
  setRefreshCookie,
} from "./http.ts";

const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.string(),
      crv: z.string(),
      x: z.string(),
      kid: z.string(),
      alg: z.string(),
      use: z.string(),
    }),
  ),
});

/** Refresh-token rotation and the public keys. */
export function tokenRoutes(core: AuthCore): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.post(
    "/refresh",
    describeRoute({
      summary: "Rotate the refresh cookie and get a new access token",
      description:
        "Needs the refresh cookie and an allowed `Origin`. A rotated token presented again revokes its session; " +
        "the loser of two concurrent refreshes within the grace window gets 409 and should retry.",
      tags: ["tokens"],
      responses: {
        200: { description: "New tokens; cookie rotated", content: jsonContent(sessionResponseSchema) },
        ...errorResponses(401, 403, 409),
      },
    }),
    async (c) => {
      assertOrigin(c, core.settings, true);
      const token = getCookie(c, REFRESH_COOKIE);
      if (!token) throw invalidRefresh();
      try {
        const session = await refreshSession(core, token, clientMeta(c, core.settings));
        setRefreshCookie(c, session, core.now());
        return c.json(sessionBody(session), 200);
      } catch (error) {
        // A dead session's cookie is useless; remove it so the browser stops sending it.
        if (error instanceof Error && "status" in error && error.status === 401) clearRefreshCookie(c);
        throw error;
      }
    },
  );

  app.get(
    "/.well-known/jwks.json",
    describeRoute({
      summary: "Public keys that verify access tokens (current and previous)",
      tags: ["tokens"],
      responses: { 200: { description: "JSON Web Key Set", content: jsonContent(jwksSchema) } },
    }),
    async (c) => {
      const set = await core.keys.jwks();
      // Short: after a rotation, verifiers also refetch on the first unknown kid.
      c.header("Cache-Control", "public, max-age=300");
      return c.json(set);
    },
  );

  return app;
}
