import type { AuthEnv } from "@payments/auth-verify";
import {
  honoPath,
  profileGetMe,
  profileGetPreferences,
  profileUpdateMe,
  profileUpdatePreferences,
} from "@payments/contracts/http";
import { type KitEnv, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { readPreferences, readProfile, updateOwnPreferences, updateOwnProfile } from "../actions/profile.ts";
import type { ProfileCore } from "../core.ts";

function traceparentOf<E extends KitEnv>(c: Context<E>): string | undefined {
  const value: unknown = c.get("traceparent");
  return typeof value === "string" ? value : undefined;
}

/** The caller's own profile and preferences; there is no route that takes another user's id. */
export function meRoutes(core: ProfileCore, user: MiddlewareHandler<AuthEnv>): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(profileGetMe), user, validate("query", profileGetMe.query), async (c) =>
    c.json(await readProfile(core, c.var.auth.userId)),
  );

  app.patch(
    honoPath(profileUpdateMe),
    user,
    validate("query", profileUpdateMe.query),
    validate("json", profileUpdateMe.body),
    async (c) =>
      c.json(await updateOwnProfile(core, c.var.auth.userId, c.req.valid("json"), traceparentOf(c))),
  );

  app.get(honoPath(profileGetPreferences), user, validate("query", profileGetPreferences.query), async (c) =>
    c.json(await readPreferences(core, c.var.auth.userId)),
  );

  app.patch(
    honoPath(profileUpdatePreferences),
    user,
    validate("query", profileUpdatePreferences.query),
    validate("json", profileUpdatePreferences.body),
    async (c) =>
      c.json(await updateOwnPreferences(core, c.var.auth.userId, c.req.valid("json"), traceparentOf(c))),
  );

  return app;
}
