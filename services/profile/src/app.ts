import type { Tracer } from "@opentelemetry/api";
import { type JwtVerifier, requireAuth } from "@payments/auth-verify";
import type { Cache } from "@payments/cache";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type { ProfileCore } from "./core.ts";
import type { ProfileDb } from "./db/queries.ts";
import type { DeactivationPolicy } from "./domain/account.ts";
import { meRoutes } from "./routes/me.ts";
import { notificationRoutes } from "./routes/notifications.ts";

/** Everything the profile app needs, passed in so tests build it with real or embedded adapters. */
export interface ProfileDeps {
  db: ProfileDb;
  cache: Cache;
  logger: Logger;
  /** Verifies access tokens (auth's JWKS). */
  verifier: JwtVerifier;
  /** What `user.deactivated` does (default anonymise). */
  policy?: DeactivationPolicy;
  /** How long cached reads may be served (default 5 min; changes invalidate at once). */
  cacheTtlMs?: number;
  tracer?: Tracer;
  registry?: Registry;
  probes?: HealthProbe[];
  now?: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  onEventsCommitted?: () => void;
  /** Links in notification mails start here (PUBLIC_BASE_URL); default http://localhost:3000. */
  publicBaseUrl?: string;
  /** Called after a transaction queued mail (the mail relay's `wake`). */
  onMailCommitted?: () => void;
}

/** The app plus the core its routes and the event handler share. */
export interface ProfileApp extends ServiceApp {
  core: ProfileCore;
}

/** A profile with a full address and bio is a few KiB; 16 KiB leaves room. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** The profile service as a pure Hono app: no env reads, no listening, no background work. */
export function createApp(deps: ProfileDeps): ProfileApp {
  const kit = createServiceApp({
    service: "profile",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: [...(deps.probes ?? []), deps.cache.probe],
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  const core: ProfileCore = {
    db: deps.db,
    cache: deps.cache,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    policy: deps.policy ?? "anonymise",
    cacheTtlMs: deps.cacheTtlMs ?? 300_000,
    eventsCommitted: deps.onEventsCommitted ?? (() => {}),
    mail: {
      publicBaseUrl: deps.publicBaseUrl ?? "http://localhost:3000",
      committed: deps.onMailCommitted ?? (() => {}),
    },
  };
  const { app } = kit;
  // Personal data: no browser or shared proxy may keep a copy.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  const user = requireAuth(deps.verifier);
  app.route("/", meRoutes(core, user));
  app.route("/", notificationRoutes(core, user));
  return { ...kit, core };
}
