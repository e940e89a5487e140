import {
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  startHttpService,
} from "@payments/platform";
import { createApp } from "./app.ts";
import { type GatewayConfig, loadConfig } from "./config.ts";

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

/** The gateway: the one public HTTP entry behind Caddy (or alone, in the embedded default). */
export const service: ServiceDefinition = {
  name: "gateway",
  after: ["auth", "payments", "admin", "profile"],
  async start(infra, running) {
    const config = loadConfig();
    const upstreams = upstreamTable(config, running);
    return startHttpService({
      name: "gateway",
      port: config.GATEWAY_PORT,
      hostname: config.GATEWAY_HOST,
      settings: config,
      infra,
      async build({ logger, tracer, registry }) {
        const { app } = createApp({
          logger,
          tracer,
          registry,
          upstreams,
          upstreamTimeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
          probes: [infra.bus.probe],
        });
        logger.info({ routes: [...upstreams.keys()].map((n) => `/api/${n}/*`) }, "gateway routing table");
        return app;
      },
    });
  },
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
