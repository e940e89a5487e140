import type { AuthEnv } from "@payments/auth-verify";
import { describeRoute, errorJsonSchema, type KitEnv, resolver, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { readPreferences, readProfile, updateOwnPreferences, updateOwnProfile } from "../actions/profile.ts";
import type { ProfileCore } from "../core.ts";
import {
  addressSchema,
  notificationsSchema,
  preferencesPatchSchema,
  profilePatchSchema,
  themeSchema,
} from "../domain/fields.ts";

/**
 * No query parameters at all: the routes only ever act on the caller (the token's subject), so an attempt
 * to name another user (`?user_id=…`) is refused rather than silently ignored.
 */
const noQuery = z.strictObject({});

const profileSchema = z.object({
  user_id: z.string(),
  display_name: z.string().nullable(),
  avatar_url: z.string().nullable(),
  phone: z.string().nullable(),
  address: addressSchema.nullable(),
  bio: z.string().nullable(),
  registered: z.boolean(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const preferencesSchema = z.object({
  theme: themeSchema,
  locale: z.string(),
  default_currency: z.string().nullable(),
  notifications: notificationsSchema,
  updated_at: z.string().nullable(),
});

const json = (schema: z.ZodType) => ({ "application/json": { schema: resolver(schema) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: "Error", content: { "application/json": { schema: errorJsonSchema() } } },
    ]),
  );

function traceparentOf<E extends KitEnv>(c: Context<E>): string | undefined {
  const value: unknown = c.get("traceparent");
  return typeof value === "string" ? value : undefined;
}

/** The caller's own profile and preferences; there is no route that takes another user's id. */
export function meRoutes(core: ProfileCore, user: MiddlewareHandler<AuthEnv>): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(
    "/me",
    describeRoute({
      summary: "My profile (the defaults while nothing is stored)",
      tags: ["profile"],
      responses: { 200: { description: "Profile", content: json(profileSchema) }, ...errors(400, 401, 404) },
    }),
    user,
    validate("query", noQuery),
    async (c) => c.json(await readProfile(core, c.var.auth.userId)),
  );

  app.patch(
    "/me",
    describeRoute({
      summary: "Change my profile (null clears a field); announced by profile.updated",
      tags: ["profile"],
      responses: {
        200: { description: "Profile after", content: json(profileSchema) },
        ...errors(400, 401, 404),
      },
    }),
    user,
    validate("query", noQuery),
    validate("json", profilePatchSchema),
    async (c) =>
      c.json(await updateOwnProfile(core, c.var.auth.userId, c.req.valid("json"), traceparentOf(c))),
  );

  app.get(
    "/me/preferences",
    describeRoute({
      summary: "My preferences (read by the shell at login; the defaults when never changed)",
      tags: ["profile"],
      responses: {
        200: { description: "Preferences", content: json(preferencesSchema) },
        ...errors(400, 401, 404),
      },
    }),
    user,
    validate("query", noQuery),
    async (c) => c.json(await readPreferences(core, c.var.auth.userId)),
  );

  app.patch(
    "/me/preferences",
    describeRoute({
      summary: "Change my preferences (notifications merge switch by switch)",
      tags: ["profile"],
      responses: {
        200: { description: "Preferences after", content: json(preferencesSchema) },
        ...errors(400, 401, 404),
      },
    }),
    user,
    validate("query", noQuery),
    validate("json", preferencesPatchSchema),
    async (c) =>
      c.json(await updateOwnPreferences(core, c.var.auth.userId, c.req.valid("json"), traceparentOf(c))),
  );

  return app;
}
