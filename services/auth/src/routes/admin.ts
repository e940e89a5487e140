import { authListUsers, authUpdateUser, honoPath } from "@payments/contracts/http";
import { type KitEnv, notFound, validate } from "@payments/service-kit";
import { Hono } from "hono";
import type { AuthCore } from "../actions/core.ts";
import { adminUpdateUser } from "../actions/users.ts";
import { listUsers } from "../db/queries.ts";
import { toPublicUser } from "../domain/users.ts";
import { clientMeta, type Guards } from "./http.ts";

/** What a malformed user id answers: it names no user, as an unknown one. */
const userNotFound = () => notFound("No such user.", "user_not_found");

/** Admin user management (role admin only): list/search, change role, deactivate/reactivate. */
export function adminRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(authListUsers), guards.admin, validate("query", authListUsers.query), async (c) => {
    const q = c.req.valid("query");
    const page = await listUsers(
      core.db,
      { query: q.query, role: q.role, active: q.active },
      { limit: q.limit, startingAfter: q.starting_after, endingBefore: q.ending_before },
    );
    return c.json({ data: page.data.map(toPublicUser), has_more: page.hasMore });
  });

  app.patch(
    honoPath(authUpdateUser),
    guards.admin,
    validate("param", authUpdateUser.params, userNotFound),
    validate("json", authUpdateUser.body),
    async (c) => {
      const user = await adminUpdateUser(
        core,
        { actorId: c.var.auth.userId, userId: c.req.valid("param").id, patch: c.req.valid("json") },
        clientMeta(c, core.settings),
      );
      return c.json(toPublicUser(user));
    },
  );

  return app;
}
