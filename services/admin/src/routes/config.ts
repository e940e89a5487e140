import {
  adminGetConfig,
  adminGetPublicConfig,
  adminListConfigHistory,
  adminUpdateConfig,
  honoPath,
  PUBLIC_CONFIG_MAX_AGE_SECONDS,
  type PublicConfigView,
} from "@payments/contracts/http";
import { type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { readConfig, toVersionView, updateConfig } from "../actions/config.ts";
import type { AdminCore } from "../core.ts";
import { listConfigVersions } from "../db/config-queries.ts";
import { type AdminGuard, requestTraceparent } from "./http.ts";

/** System configuration: read, change (new version + `config.updated`), history; plus the public read. */
export function configRoutes(core: AdminCore, admin: AdminGuard): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(adminGetPublicConfig), async (c) => {
    const { version, settings } = await readConfig(core);
    c.header("Cache-Control", `public, max-age=${PUBLIC_CONFIG_MAX_AGE_SECONDS}`);
    return c.json({ version, settings } satisfies PublicConfigView);
  });

  app.get(honoPath(adminGetConfig), admin, async (c) => c.json(await readConfig(core)));

  app.put(honoPath(adminUpdateConfig), admin, validate("json", adminUpdateConfig.body), async (c) => {
    const body = c.req.valid("json");
    const { changed: _changed, ...view } = await updateConfig(core, {
      actorId: c.var.auth.userId,
      settings: body.settings,
      expectedVersion: body.expected_version,
      traceparent: requestTraceparent(c),
    });
    return c.json(view);
  });

  app.get(
    honoPath(adminListConfigHistory),
    admin,
    validate("query", adminListConfigHistory.query),
    async (c) => {
      const q = c.req.valid("query");
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
