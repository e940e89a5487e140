import type { Tracer } from "@opentelemetry/api";
import { createJwtVerifier } from "@payments/auth-verify";
import { createEvent, type Id, newId } from "@payments/contracts";
import {
  listenSettings,
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type SharedInfra,
  startHttpService,
} from "@payments/platform";
import type { Logger } from "@payments/service-kit";
import type { Server } from "bun";
import type { Registry } from "prom-client";
import { createApp, type RealtimeDeps } from "./app.ts";
import { edgeLimits, type GatewayConfig, loadConfig } from "./config.ts";
import { type ApiKeyExchange, createApiKeyExchange } from "./http/api-keys.ts";
import { rateLimitRedis } from "./http/store.ts";
import { createRealtimeHub, type SocketData } from "./realtime/hub.ts";
import { createTicketStore } from "./realtime/tickets.ts";
import type { ApiKeyCall } from "./routes/proxy.ts";
import { createRevokedSessions } from "./routes/realtime.ts";
import { frontendsBuilt } from "./routes/static.ts";

/** Remotes the shell loads through Module Federation, each served at `/remotes/<name>/`. */
const REMOTES = ["auth", "payments", "admin"] as const;

/** Upstreams from config, overridden by services the embedded runner started in this process. */
function upstreamTable(
  config: GatewayConfig,
  running: ReadonlyMap<string, RunningService>,
): Map<string, string> {
  const table = new Map<string, string>();
  const configured: Record<string, string | undefined> = {
    auth: config.AUTH_URL,
    payments: config.PAYMENTS_URL,
    admin: config.ADMIN_URL,
    profile: config.PROFILE_URL,
  };
  for (const [name, url] of Object.entries(configured)) if (url) table.set(name, url);
  for (const [name, service] of running) table.set(name, service.url);
  return table;
}

/**
 * The realtime side: tickets in the shared cache, a hub on Bun's pub/sub, and this instance's own queue on
 * the bus (every gateway receives every event, so N gateways behind Caddy all deliver).
 */
async function startRealtime(
  config: GatewayConfig,
  authUrl: string,
  infra: SharedInfra,
  observability: { logger: Logger; registry: Registry; tracer: Tracer },
  revokedSessions: ReturnType<typeof createRevokedSessions>,
  apiKeys: ApiKeyExchange,
): Promise<RealtimeDeps> {
  const { logger, registry, tracer } = observability;
  const hub = createRealtimeHub({ logger, registry, tracer, heartbeatMs: config.GATEWAY_HEARTBEAT_MS });
  const subscription = await infra.bus.subscribe(
    `gateway.${newId("evt").slice(4)}`,
    ["#"],
    async (event) => {
      if (event.type === "session.revoked") {
        for (const id of event.data.session_ids) revokedSessions.set(id, true);
        // A revoked API key names its session: this instance stops accepting it now (docs/adr/0033).
        apiKeys.revoke(event.data.session_ids);
      }
      hub.dispatch(event);
    },
    // Fan-out to sockets is best effort and immediate: a failed push is not retried (clients refetch on a seq gap).
    // Exclusive: the queue lives and dies with this instance's connection, so a stopped gateway leaves none behind.
    { retryDelaysMs: [], maxAttempts: 1, exclusive: true, tracer },
  );
  infra.shutdown.add("gateway realtime", async () => {
    hub.close();
    await subscription.close();
  });
  return {
    hub,
    revokedSessions,
    tickets: createTicketStore(infra.cacheFor("gateway", registry)),
    allowedOrigins: config.GATEWAY_ALLOWED_ORIGINS,
    verifier: createJwtVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", authUrl),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    }),
  };
}

/** The gateway: the one public HTTP entry behind Caddy (or alone, in the embedded default). */
export const service: ServiceDefinition = {
  name: "gateway",
  after: ["auth", "payments", "admin", "profile"],
  async start(infra, running, env) {
    const config = loadConfig(env);
    const upstreams = upstreamTable(config, running);
    return startHttpService({
      ...listenSettings("gateway", config),
      infra,
      async build({ logger, tracer, registry }) {
        const authUrl = upstreams.get("auth");
        const revokedSessions = createRevokedSessions();
        const apiKeys = authUrl
          ? createApiKeyExchange({ authUrl, fetch, revokedSessions, logger })
          : undefined;
        const realtime =
          authUrl && apiKeys
            ? await startRealtime(
                config,
                authUrl,
                infra,
                { logger, registry, tracer },
                revokedSessions,
                apiKeys,
              )
            : undefined;
        const limits = edgeLimits(config);
        const store = infra.env.REDIS_URL
          ? rateLimitRedis(infra.env.REDIS_URL, logger, infra.shutdown)
          : undefined;
        const { app } = createApp({
          logger,
          tracer,
          registry,
          upstreams,
          upstreamTimeoutMs: limits.forward.timeoutMs,
          bodyLimitBytes: limits.forward.bodyLimitBytes,
          rateLimit: { limits: limits.rateLimits, redis: store?.redis, verifier: realtime?.verifier },
          trustedProxies: config.GATEWAY_TRUSTED_PROXIES,
          ...(config.SENTRY_BROWSER_DSN ? { monitoring: { dsn: config.SENTRY_BROWSER_DSN } } : {}),
          probes: store ? [infra.bus.probe, store.probe] : [infra.bus.probe],
          realtime,
          apiKeys,
          onApiKeyCall: (call) => auditApiKeyCall(infra, logger, call),
          frontends: frontendsBuilt(config.GATEWAY_FRONTENDS_DIR)
            ? { frontendsDir: config.GATEWAY_FRONTENDS_DIR, remotes: REMOTES }
            : undefined,
        });
        logger.info({ routes: [...upstreams.keys()].map((n) => `/api/${n}/*`) }, "gateway routing table");
        return {
          fetch: app.fetch,
          websocket: realtime?.hub.websocket as Bun.WebSocketHandler<unknown> | undefined,
          onListen: (server: Server<unknown>) => realtime?.hub.attach(server as Server<SocketData>),
        };
      },
    });
  },
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}

/**
 * Publishes `api_key.used` for the admin audit log (docs/adr/0033). Straight to the bus, after the answer:
 * the gateway has no database for an outbox, so a call made while the broker is away is recorded in the
 * gateway's log line only — never held up or refused for it.
 */
function auditApiKeyCall(infra: SharedInfra, logger: Logger, call: ApiKeyCall): void {
  const event = createEvent({
    type: "api_key.used",
    producer: "gateway",
    subject: call.apiKeyId,
    data: {
      api_key_id: call.apiKeyId as Id<"apk">,
      user_id: call.ownerId as Id<"usr">,
      method: call.method,
      path: call.path.slice(0, 2048),
      status: call.status,
      request_id: call.requestId,
    },
  });
  infra.bus.publish(event).catch((err: unknown) => {
    logger.warn({ err, api_key_id: call.apiKeyId }, "api_key.used not published; the call stays in the log");
  });
}
