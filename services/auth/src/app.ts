import type { Tracer } from "@opentelemetry/api";
import { type AuthContext, createJwtVerifier, invalidToken, requireAuth } from "@payments/auth-verify";
import type { Cache } from "@payments/cache";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type { AuthCore } from "./actions/core.ts";
import { type AuthMail, createBackgroundWork } from "./actions/mail.ts";
import { createUserLookup } from "./actions/user-cache.ts";
import { findLiveApiKey } from "./db/api-key-queries.ts";
import { type AuthDb, findSession } from "./db/queries.ts";
import { sessionState } from "./domain/sessions.ts";
import type { KeyStore } from "./keys/keys.ts";
import { createAuthMetrics } from "./metrics.ts";
import { adminRoutes } from "./routes/admin.ts";
import { apiKeyRoutes } from "./routes/api-keys.ts";
import { devMailboxRoutes } from "./routes/dev-mailbox.ts";
import type { Guards } from "./routes/http.ts";
import { recoveryRoutes } from "./routes/recovery.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { twoFactorRoutes } from "./routes/two-factor.ts";
import { userRoutes } from "./routes/users.ts";
import { type KeySealer, plainKeySealer } from "./security/key-encryption.ts";
import { createMailThrottle, DEFAULT_MAIL_THROTTLE_LIMITS } from "./security/mail-throttle.ts";
import { createMfaThrottle, type MfaThrottle } from "./security/mfa-throttle.ts";
import type { PasswordHasher } from "./security/passwords.ts";
import type { Throttle } from "./security/throttle.ts";
import type { AuthSettings } from "./settings.ts";
import { createWebhooksCore, type WebhookSettings, type WebhooksCore } from "./webhooks/core.ts";
import { webhookRoutes } from "./webhooks/routes.ts";
import type { Resolve } from "./webhooks/targets.ts";

/** Everything the auth app needs, passed in so tests build it with real or embedded adapters. */
export interface AuthDeps {
  db: AuthDb;
  /** Caches user lookups by id (docs/adr/0035); none: every lookup reads the database. */
  cache?: Cache;
  logger: Logger;
  keys: KeyStore;
  hasher: PasswordHasher;
  throttle: Throttle;
  /** Wrong second-factor codes per account; default: counters in this process. */
  mfaThrottle?: MfaThrottle;
  /** Seals TOTP secrets at rest; default: unencrypted (development). */
  secrets?: KeySealer;
  settings: AuthSettings;
  /**
   * Mail (docs/adr/0017): where links point, the relay to wake after a commit, the throttle of the mail
   * routes, the work answers do not wait for. Defaults: links to http://localhost:3000, nothing to wake,
   * counters in this process.
   */
  mail?: Partial<AuthMail>;
  /** Directory of the development mailbox served at `/dev/mailbox`; unset (always in production): not served. */
  devMailboxDir?: string | undefined;
  /** The clock for tokens and sessions; tests move it instead of sleeping. */
  now?: () => Date;
  /** Called after a transaction wrote events to the outbox (the relay's `wake`). */
  onEventsCommitted?: () => void;
  tracer?: Tracer;
  registry?: Registry;
  probes?: HealthProbe[];
  /** Webhooks (docs/adr/0034): settings, and the fetch and DNS lookup deliveries use (tests pass their own). */
  webhooks?: {
    settings?: Partial<WebhookSettings>;
    fetch?: typeof fetch;
    resolve?: Resolve;
    /** The delivery schedule's clock (tests keep the real one while moving the session clock). */
    now?: () => Date;
  };
}

/** The app and the webhook module's core (server.ts starts its consumer and delivery worker). */
export interface AuthApp extends ServiceApp {
  webhooks: WebhooksCore;
}

/** Auth requests are small JSON documents; 16 KiB leaves room and keeps argon2 inputs bounded. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** The auth service as a pure Hono app: no env reads, no listening. */
export function createApp(deps: AuthDeps): AuthApp {
  const now = deps.now ?? (() => new Date());
  const core: AuthCore = {
    db: deps.db,
    users: createUserLookup(deps.db, deps.cache),
    keys: deps.keys,
    hasher: deps.hasher,
    throttle: deps.throttle,
    mfaThrottle: deps.mfaThrottle ?? createMfaThrottle({ logger: deps.logger }),
    secrets: deps.secrets ?? plainKeySealer(),
    settings: deps.settings,
    mail: {
      publicBaseUrl: deps.mail?.publicBaseUrl ?? "http://localhost:3000",
      throttle:
        deps.mail?.throttle ??
        createMailThrottle({ limits: DEFAULT_MAIL_THROTTLE_LIMITS, logger: deps.logger }),
      committed: deps.mail?.committed ?? (() => {}),
      background:
        deps.mail?.background ??
        createBackgroundWork((err, what) => deps.logger.error({ err, what }, "background work failed")),
    },
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
  const metrics = createAuthMetrics(kit.registry);

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
  app.route("/", sessionRoutes(core, guards, verifier, metrics));
  app.route("/", tokenRoutes(core));
  app.route("/", userRoutes(core, guards));
  app.route("/", twoFactorRoutes(core, guards, metrics));
  app.route("/", adminRoutes(core, guards));
  app.route("/", recoveryRoutes(core, guards));
  app.route("/", apiKeyRoutes(core, guards));
  const webhooks = createWebhooksCore({
    db: deps.db,
    logger: deps.logger,
    now: deps.webhooks?.now ?? now,
    secrets: core.secrets,
    settings: deps.webhooks?.settings,
    fetch: deps.webhooks?.fetch,
    resolve: deps.webhooks?.resolve,
    mail: core.mail,
  });
  // The only auth routes API keys may reach (their operations name scopes); no session check for a key.
  // A key's token has no session row: auth, which owns keys, checks the key itself is still live instead.
  const callerIsLive = async (auth: AuthContext) => {
    if (!auth.apiKey) return sessionIsLive(auth);
    if (!(await findLiveApiKey(deps.db, auth.apiKey.id))) throw invalidToken("API key revoked");
  };
  app.route("/", webhookRoutes(webhooks, requireAuth(verifier, { service: "auth", check: callerIsLive })));
  if (deps.devMailboxDir) app.route("/", devMailboxRoutes(deps.devMailboxDir));
  return { ...kit, webhooks };
}
