import { userSnapshotSchema } from "@payments/contracts";
import { describeRoute, type KitEnv, unauthenticated, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthCore } from "../actions/core.ts";
import { changePassword } from "../actions/users.ts";
import { findUserById } from "../db/queries.ts";
import { toPublicUser } from "../domain/users.ts";
import { clientMeta, errorResponses, type Guards, jsonContent } from "./http.ts";

const passwordBody = z.strictObject({
  current_password: z.string().min(1).max(512),
  new_password: z.string().min(1).max(512),
});

/** The signed-in user: who am I, change my password. */
export function userRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(
    "/me",
    describeRoute({
      summary: "The signed-in user",
      tags: ["users"],
      responses: {
        200: { description: "User", content: jsonContent(userSnapshotSchema) },
        ...errorResponses(401),
      },
    }),
    guards.user,
    async (c) => {
      const user = await findUserById(core.db, c.var.auth.userId);
      if (!user) throw unauthenticated();
      return c.json(toPublicUser(user));
    },
  );

  app.post(
    "/password",
    describeRoute({
      summary: "Change my password; every other session ends",
      tags: ["users"],
      responses: { 204: { description: "Changed" }, ...errorResponses(400, 401, 429) },
    }),
    guards.user,
    validate("json", passwordBody),
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

  return app;
}
