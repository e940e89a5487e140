import { authJwks, authRefresh, honoPath } from "@payments/contracts/http";
import type { KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { AuthCore } from "../actions/core.ts";
import { invalidRefresh, refreshSession } from "../actions/sessions.ts";
import { REFRESH_COOKIE } from "../settings.ts";
import { assertOrigin, clearRefreshCookie, clientMeta, sessionBody, setRefreshCookie } from "./http.ts";

/** Refresh-token rotation and the public keys. */
export function tokenRoutes(core: AuthCore): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.post(honoPath(authRefresh), async (c) => {
    assertOrigin(c, core.settings, true);
    const token = getCookie(c, REFRESH_COOKIE);
    if (!token) {
      // A presence cookie without its refresh cookie (cleared by hand, or expired first) would make the
      // shell ask again on every load: remove it too.
      clearRefreshCookie(c);
      throw invalidRefresh();
    }
    try {
      const session = await refreshSession(core, token, clientMeta(c, core.settings));
      setRefreshCookie(c, session, core.now());
      return c.json(sessionBody(session), 200);
    } catch (error) {
      // A dead session's cookie is useless; remove it so the browser stops sending it.
      if (error instanceof Error && "status" in error && error.status === 401) clearRefreshCookie(c);
      throw error;
    }
  });

  app.get(honoPath(authJwks), async (c) => {
    const set = await core.keys.jwks();
    // Short: after a rotation, verifiers also refetch on the first unknown kid.
    c.header("Cache-Control", "public, max-age=300");
    return c.json(set);
  });

  return app;
}
