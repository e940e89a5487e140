import { adminGetDashboard, honoPath } from "@payments/contracts/http";
import { type KitEnv, validate } from "@payments/service-kit";
import { Hono } from "hono";
import { buildDashboard } from "../actions/dashboard.ts";
import type { AdminCore } from "../core.ts";
import type { AdminGuard } from "./http.ts";

/** The live dashboard (role admin); the admin UI refetches it on the events the gateway pushes to `role:admin`. */
export function dashboardRoutes(core: AdminCore, admin: AdminGuard): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  app.get(honoPath(adminGetDashboard), admin, validate("query", adminGetDashboard.query), async (c) =>
    c.json(await buildDashboard(core, c.req.valid("query"))),
  );
  return app;
}
