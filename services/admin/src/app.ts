import type { Tracer } from "@opentelemetry/api";
import type { JwtVerifier } from "@payments/auth-verify";
import type { Cache } from "@payments/cache";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type { AdminCore } from "./core.ts";
import type { AdminDb } from "./db/audit-queries.ts";
import { adminGuard } from "./routes/admin-guard.ts";
import { auditRoutes } from "./routes/audit.ts";
import { configRoutes } from "./routes/config.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";

/** Everything the admin app needs, passed in so tests build it with real or embedded adapters. */
export interface AdminDeps {
  db: AdminDb;
  cache: Cache;
  logger: Logger;
  /** Verifies access tokens (auth's JWKS). */
  verifier: JwtVerifier;
  tracer?: Tracer;
  registry?: Registry;
  probes?: HealthProbe[];
  now?: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  onEventsCommitted?: () => void;
  /** Rows per query of the CSV export (default 500). */
  csvBatchSize?: number;
}

/** The app plus the core its routes use. */
export interface AdminApp extends ServiceApp {
  core: AdminCore;
}

/** Config documents are the largest bodies admin accepts; 64 KiB is far above a full one. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** The admin service as a pure Hono app: no env reads, no listening, no background work. */
export function createApp(deps: AdminDeps): AdminApp {
  const kit = createServiceApp({
    service: "admin",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: [...(deps.probes ?? []), deps.cache.probe],
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  const core: AdminCore = {
    db: deps.db,
    cache: deps.cache,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    eventsCommitted: deps.onEventsCommitted ?? (() => {}),
    csvBatchSize: deps.csvBatchSize ?? 500,
  };
  const admin = adminGuard(core, deps.verifier);
  const { app } = kit;
  // Audit data and configuration are for admins only: no browser or proxy may keep a copy, unless a route
  // says otherwise (the public configuration).
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  app.route("/", auditRoutes(core, admin));
  app.route("/", configRoutes(core, admin));
  app.route("/", dashboardRoutes(core, admin));
  return { ...kit, core };
}
