import {
  authCompleteLogin,
  authDisableTwoFactor,
  authEnableTwoFactor,
  authGetTwoFactor,
  authRegenerateRecoveryCodes,
  authSetupTwoFactor,
  honoPath,
} from "@payments/contracts/http";
import { type KitEnv, unauthenticated, validate } from "@payments/service-kit";
import { type Context, Hono } from "hono";
import type { AuthCore } from "../actions/core.ts";
import { completeMfaLogin } from "../actions/mfa-login.ts";
import {
  disableTwoFactor,
  enableTwoFactorWithCode,
  regenerateRecoveryCodes,
  setupTwoFactor,
  twoFactorStatus,
} from "../actions/two-factor.ts";
import { findUserById } from "../db/queries.ts";
import type { UserRow } from "../db/schema.ts";
import { type AuthMetrics, countedLogin } from "../metrics.ts";
import {
  type AuthedEnv,
  assertOrigin,
  clientMeta,
  type Guards,
  sessionBody,
  setRefreshCookie,
} from "./http.ts";

/** Two-factor sign-in (docs/adr/0018): the login's second step, and enrolment on the account pages. */
export function twoFactorRoutes(core: AuthCore, guards: Guards, metrics: AuthMetrics): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const { settings } = core;

  const me = async (c: Context<AuthedEnv>): Promise<UserRow> => {
    const user = await findUserById(core.db, c.var.auth.userId);
    if (!user) throw unauthenticated();
    return user;
  };
  const traceparent = (c: Context<AuthedEnv>) => clientMeta(c, settings).traceparent;

  app.post(honoPath(authCompleteLogin), validate("json", authCompleteLogin.body), async (c) => {
    assertOrigin(c, settings, false);
    const session = await countedLogin(
      metrics,
      () => completeMfaLogin(core, c.req.valid("json"), clientMeta(c, settings)),
      () => "success",
    );
    setRefreshCookie(c, session, core.now());
    return c.json(sessionBody(session), 200);
  });

  app.get(honoPath(authGetTwoFactor), guards.user, async (c) =>
    c.json(await twoFactorStatus(core, c.var.auth.userId)),
  );

  app.post(honoPath(authSetupTwoFactor), guards.user, async (c) =>
    c.json(await setupTwoFactor(core, await me(c))),
  );

  app.post(
    honoPath(authEnableTwoFactor),
    guards.user,
    validate("json", authEnableTwoFactor.body),
    async (c) => {
      const codes = await enableTwoFactorWithCode(core, {
        user: await me(c),
        sessionId: c.var.auth.sessionId,
        code: c.req.valid("json").code,
        traceparent: traceparent(c),
      });
      return c.json(codes);
    },
  );

  app.post(
    honoPath(authDisableTwoFactor),
    guards.user,
    validate("json", authDisableTwoFactor.body),
    async (c) => {
      await disableTwoFactor(core, {
        user: await me(c),
        factor: c.req.valid("json"),
        traceparent: traceparent(c),
      });
      return c.body(null, 204);
    },
  );

  app.post(
    honoPath(authRegenerateRecoveryCodes),
    guards.user,
    validate("json", authRegenerateRecoveryCodes.body),
    async (c) => {
      const codes = await regenerateRecoveryCodes(core, {
        user: await me(c),
        code: c.req.valid("json").code,
        traceparent: traceparent(c),
      });
      return c.json(codes);
    },
  );

  return app;
}
