import {
  authAcceptInvitation,
  authForgotPassword,
  authInviteUser,
  authResendVerification,
  authResetPassword,
  authVerifyEmail,
  honoPath,
} from "@payments/contracts/http";
import { type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import type { AuthCore } from "../actions/core.ts";
import { acceptInvitation, inviteUser } from "../actions/invitations.ts";
import { forgotPassword, resendVerification, resetPassword, verifyEmail } from "../actions/recovery.ts";
import { toPublicUser } from "../domain/users.ts";
import { assertOrigin, clientMeta, type Guards, sessionBody, setRefreshCookie } from "./http.ts";

/**
 * E-mail verification, password reset and invitations (docs/adr/0017). The public ones check `Origin` like
 * login and register: a page of another site must not drive them in a signed-in person's browser.
 */
export function recoveryRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const { settings } = core;

  app.post(honoPath(authVerifyEmail), validate("json", authVerifyEmail.body), async (c) => {
    assertOrigin(c, settings, false);
    const user = await verifyEmail(core, c.req.valid("json").token, clientMeta(c, settings));
    return c.json(toPublicUser(user), 200);
  });

  app.post(honoPath(authResendVerification), guards.user, async (c) => {
    await resendVerification(core, c.var.auth.userId, clientMeta(c, settings));
    return c.body(null, 202);
  });

  app.post(honoPath(authForgotPassword), validate("json", authForgotPassword.body), async (c) => {
    assertOrigin(c, settings, false);
    await forgotPassword(core, c.req.valid("json").email, clientMeta(c, settings));
    return c.body(null, 202);
  });

  app.post(honoPath(authResetPassword), validate("json", authResetPassword.body), async (c) => {
    assertOrigin(c, settings, false);
    await resetPassword(core, c.req.valid("json"), clientMeta(c, settings));
    return c.body(null, 204);
  });

  app.post(honoPath(authInviteUser), guards.admin, validate("json", authInviteUser.body), async (c) => {
    const user = await inviteUser(core, c.var.auth.userId, c.req.valid("json"), clientMeta(c, settings));
    return c.json(user, 201);
  });

  app.post(honoPath(authAcceptInvitation), validate("json", authAcceptInvitation.body), async (c) => {
    assertOrigin(c, settings, false);
    const session = await acceptInvitation(core, c.req.valid("json"), clientMeta(c, settings));
    setRefreshCookie(c, session, core.now());
    return c.json(sessionBody(session), 200);
  });

  return app;
}
