import { buildOpenApi, OPERATIONS } from "@payments/contracts/http";
import type { KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { mountDocsUi } from "./docs-ui.ts";

export interface DocsRouteOptions {
  /** The platform's version, written into the document's `info`. */
  version?: string;
}

/**
 * `GET /api/openapi.json` and `GET /api/docs`. The document is the platform's contract
 * (`@payments/contracts/http`), built once at start: every service validates with the same schemas, so
 * nothing has to be fetched from the services, and a service that is down is still documented.
 */
export function docsRoutes(opts: DocsRouteOptions = {}): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const doc = buildOpenApi(OPERATIONS, opts.version ? { version: opts.version } : {});
  app.get("/api/openapi.json", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(doc);
  });
  mountDocsUi(app, { specUrl: "/api/openapi.json", title: "Payments platform API" });
  return app;
}
