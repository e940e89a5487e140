import type { Tracer } from "@opentelemetry/api";
import { type AuthContext, createJwtVerifier, invalidToken, requireAuth } from "@payments/auth-verify";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type { AuthCore } from "./actions/core.ts";
import { type AuthDb, findSession } from "./db/queries.ts";
import { sessionState } from "./domain/sessions.ts";
import type { KeyStore } from "./keys/keys.ts";
import { adminRoutes } from "./routes/admin.ts";
import type { Guards } from "./routes/http.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { userRoutes } from "./routes/users.ts";
import type { PasswordHasher } from "./security/passwords.ts";
import type { Throttle } from "./security/throttle.ts";
import type { AuthSettings } from "./settings.ts";

/** Everything the auth app needs, passed in so tests build it with real or embedded adapters. */
export interface AuthDeps {
  db: AuthDb;
  logger: Logger;
  keys: KeyStore;
  hasher: PasswordHasher;
  throttle: Throttle;
  settings: AuthSettings;
  /** The clock for tokens and sessions; tests move it instead of sleeping. */
  now?: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  onEventsCommitted?: () => void;
  tracer?: Tracer;
  registry?: Registry;
  probes?: HealthProbe[];
}

/** Auth requests are small JSON documents; 16 KiB leaves room and keeps argon2 inputs bounded. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** The auth service as a pure Hono app: no env reads, no listening. */
export function createApp(deps: AuthDeps): ServiceApp {
  const now = deps.now ?? (() => new Date());
  const core: AuthCore = {
    db: deps.db,
    keys: deps.keys,
    hasher: deps.hasher,
    throttle: deps.throttle,
    settings: deps.settings,
    now,
    logger: deps.logger,
    eventsCommitted: deps.onEventsCommitted ?? (() => {}),
  };
  const kit = createServiceApp({
    service: "auth",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: deps.probes,
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  const { app } = kit;

  // Auth verifies its own tokens against its own keys (no HTTP round trip), and additionally checks that
  // the session is still live, so logout and revocation take effect here at once.
  const verifier = createJwtVerifier({
    jwks: () => deps.keys.jwks(),
    issuer: deps.settings.tokens.issuer,
    audience: deps.settings.tokens.audience,
    now,
  });
  const sessionIsLive = async (auth: AuthContext) => {
    const session = await findSession(deps.db, auth.sessionId);
    if (
      !session ||
      session.userId !== auth.userId ||
      sessionState(session, now(), deps.settings.session) !== "active"
    ) {
      throw invalidToken("session ended");
    }
  };
  const guards: Guards = {
    user: requireAuth(verifier, { check: sessionIsLive }),
    admin: requireAuth(verifier, { check: sessionIsLive, roles: ["admin"] }),
  };

  // Nothing auth answers may be cached by a browser or proxy (tokens, user data), except the public keys.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  app.route("/", sessionRoutes(core, guards, verifier));
  app.route("/", tokenRoutes(core));
  app.route("/", userRoutes(core, guards));
  app.route("/", adminRoutes(core, guards));
  return kit;
}
