import { idSchema, roleSchema, userSnapshotSchema } from "@payments/contracts";
import { badRequest, describeRoute, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthCore } from "../actions/core.ts";
import { adminUpdateUser } from "../actions/users.ts";
import { listUsers } from "../db/queries.ts";
import { toPublicUser } from "../domain/users.ts";
import { clientMeta, errorResponses, type Guards, jsonContent } from "./http.ts";

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: idSchema("usr").optional(),
  ending_before: idSchema("usr").optional(),
  /** Substring of email or name. */
  query: z.string().trim().min(1).max(100).optional(),
  role: roleSchema.optional(),
  active: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});

const patchBody = z
  .strictObject({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, { message: "Give role and/or active." });

const userListSchema = z.object({ data: z.array(userSnapshotSchema), has_more: z.boolean() });

/** Admin user management (role admin only): list/search, change role, deactivate/reactivate. */
export function adminRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(
    "/admin/users",
    describeRoute({
      summary: "List and search users, newest first (cursor pagination)",
      tags: ["admin"],
      responses: {
        200: { description: "Users", content: jsonContent(userListSchema) },
        ...errorResponses(400, 401, 403),
      },
    }),
    guards.admin,
    validate("query", listQuery),
    async (c) => {
      const q = c.req.valid("query");
      if (q.starting_after && q.ending_before) {
        throw badRequest(
          "invalid_request",
          "Use either starting_after or ending_before, not both.",
          "ending_before",
        );
      }
      const page = await listUsers(
        core.db,
        { query: q.query, role: q.role, active: q.active },
        { limit: q.limit, startingAfter: q.starting_after, endingBefore: q.ending_before },
      );
      return c.json({ data: page.data.map(toPublicUser), has_more: page.hasMore });
    },
  );

  app.patch(
    "/admin/users/:id",
    describeRoute({
      summary: "Change a user's role and/or active flag; their sessions end",
      tags: ["admin"],
      responses: {
        200: { description: "The user after the change", content: jsonContent(userSnapshotSchema) },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    guards.admin,
    validate("param", z.object({ id: idSchema("usr") })),
    validate("json", patchBody),
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
