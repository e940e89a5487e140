import { authChangeEmail, authChangePassword, authGetMe, honoPath } from "@payments/contracts/http";
import { type KitEnv, unauthenticated, validate } from "@payments/service-kit";
import { Hono } from "hono";
import type { AuthCore } from "../actions/core.ts";
import { requestEmailChange } from "../actions/email-change.ts";
import { changePassword } from "../actions/users.ts";
import { findUserById } from "../db/queries.ts";
import { toPublicUser } from "../domain/users.ts";
import { clientMeta, type Guards } from "./http.ts";

/** The signed-in user: who am I, change my password. */
export function userRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(authGetMe), guards.user, async (c) => {
    const user = await core.users.byId(c.var.auth.userId);
    if (!user) throw unauthenticated();
    return c.json(toPublicUser(user));
  });

  app.post(
    honoPath(authChangePassword),
    guards.user,
    validate("json", authChangePassword.body),
    async (c) => {
      const body = c.req.valid("json");
      const user = await findUserById(core.db, c.var.auth.userId);
      if (!user) throw unauthenticated();
      await changePassword(
        core,
        { user, sessionId: c.var.auth.sessionId, current: body.current_password, next: body.new_password },
        clientMeta(c, core.settings),
      );
      return c.body(null, 204);
    },
  );

  app.post(honoPath(authChangeEmail), guards.user, validate("json", authChangeEmail.body), async (c) => {
    const body = c.req.valid("json");
    const user = await findUserById(core.db, c.var.auth.userId);
    if (!user) throw unauthenticated();
    const pending = await requestEmailChange(
      core,
      { user, currentPassword: body.current_password, newEmail: body.new_email },
      clientMeta(c, core.settings),
    );
    return c.json(pending, 202);
  });

  return app;
}
