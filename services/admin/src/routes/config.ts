import { describeRoute, type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { z } from "zod";
import { readConfig, toVersionView, updateConfig } from "../actions/config.ts";
import type { AdminCore } from "../core.ts";
import { listConfigVersions } from "../db/config-queries.ts";
import { systemConfigSchema } from "../domain/system-config.ts";
import {
  type AdminGuard,
  assertOneCursor,
  errorResponses,
  jsonContent,
  limitParam,
  requestTraceparent,
} from "./http.ts";

const putBody = z.strictObject({
  settings: systemConfigSchema,
  /** The version the change was made on; when given and no longer current → 409. */
  expected_version: z.int().min(0).max(2_147_483_647).optional(),
});

const versionCursor = z.coerce.number().int().min(0).max(2_147_483_647);
const historyQuery = z.strictObject({
  limit: limitParam,
  starting_after: versionCursor.optional(),
  ending_before: versionCursor.optional(),
});

const configSchema = z.object({
  version: z.int(),
  settings: systemConfigSchema,
  updated_by: z.string().nullable(),
  updated_at: z.string().nullable(),
});
const historySchema = z.object({
  data: z.array(configSchema.extend({ changed_keys: z.array(z.string()) })),
  has_more: z.boolean(),
});

/** How long browsers and proxies may reuse the public configuration. */
const PUBLIC_MAX_AGE_SECONDS = 30;

/** System configuration: read, change (new version + `config.updated`), history; plus the public read. */
export function configRoutes(core: AdminCore, admin: AdminGuard): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(
    "/config/public",
    describeRoute({
      summary: "The current configuration, for every frontend and service (no token needed)",
      tags: ["config"],
      responses: { 200: { description: "Version and settings", content: jsonContent(configSchema) } },
    }),
    async (c) => {
      const { version, settings } = await readConfig(core);
      c.header("Cache-Control", `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
      return c.json({ version, settings });
    },
  );

  app.get(
    "/config",
    describeRoute({
      summary: "The current configuration with who changed it and when",
      tags: ["config"],
      responses: {
        200: { description: "Current version (0 = built-in defaults)", content: jsonContent(configSchema) },
        ...errorResponses(401, 403),
      },
    }),
    admin,
    async (c) => c.json(await readConfig(core)),
  );

  app.put(
    "/config",
    describeRoute({
      summary: "Replace the configuration: stored as a new version, announced by config.updated",
      tags: ["config"],
      responses: {
        200: { description: "The configuration after the change", content: jsonContent(configSchema) },
        ...errorResponses(400, 401, 403, 409),
      },
    }),
    admin,
    validate("json", putBody),
    async (c) => {
      const body = c.req.valid("json");
      const { changed: _changed, ...view } = await updateConfig(core, {
        actorId: c.var.auth.userId,
        settings: body.settings,
        expectedVersion: body.expected_version,
        traceparent: requestTraceparent(c),
      });
      return c.json(view);
    },
  );

  app.get(
    "/config/history",
    describeRoute({
      summary: "Every configuration version, newest first (cursor = version number)",
      tags: ["config"],
      responses: {
        200: { description: "Versions", content: jsonContent(historySchema) },
        ...errorResponses(400, 401, 403),
      },
    }),
    admin,
    validate("query", historyQuery),
    async (c) => {
      const q = c.req.valid("query");
      assertOneCursor(q);
      const page = await listConfigVersions(core.db, {
        limit: q.limit,
        startingAfter: q.starting_after,
        endingBefore: q.ending_before,
      });
      return c.json({ data: page.data.map(toVersionView), has_more: page.hasMore });
    },
  );

  return app;
}
