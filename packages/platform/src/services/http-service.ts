import type { Tracer } from "@opentelemetry/api";
import { createLogger, initSentry, initTracing, type Logger, serve } from "@payments/service-kit";
import type { Server, WebSocketHandler } from "bun";
import { Registry } from "prom-client";
import type { SharedInfra } from "../infra/infra.ts";
import type { RunningService } from "./services.ts";

/** What every service's config has in common (from the kit's `commonEnv`). */
export interface CommonSettings {
  LOG_LEVEL: string;
  NODE_ENV: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_TRACES_SAMPLER_ARG?: number | undefined;
  SENTRY_DSN?: string | undefined;
  SENTRY_RELEASE?: string | undefined;
}

export interface HttpServiceOptions {
  name: string;
  port: number;
  hostname: string;
  settings: CommonSettings;
  infra: SharedInfra;
  /** Builds the Hono app (and anything it needs) once logging and tracing exist. */
  build(kit: ServiceKit): Promise<BuiltService>;
}

/** What a service's `build` gets: its own logger, tracer and metrics registry, and the process's infra. */
export interface ServiceKit {
  logger: Logger;
  tracer: Tracer;
  registry: Registry;
  infra: SharedInfra;
}

/** A service's config, as every one names where it listens: `<NAME>_PORT` and `<NAME>_HOST`. */
export type ListenConfig<N extends string> = CommonSettings & {
  readonly [K in `${Uppercase<N>}_PORT`]: number;
} & { readonly [K in `${Uppercase<N>}_HOST`]: string };

/**
 * The name, address and settings part of {@link startHttpService}'s options, read from `config` by the
 * naming convention (`ADMIN_PORT`, `ADMIN_HOST`).
 */
export function listenSettings<N extends string>(
  name: N,
  config: ListenConfig<N>,
): Pick<HttpServiceOptions, "name" | "port" | "hostname" | "settings"> {
  // The mapped type above guarantees both keys; indexing by a computed name needs the plain view.
  const values = config as unknown as Readonly<Record<string, unknown>>;
  const prefix = name.toUpperCase();
  return {
    name,
    port: Number(values[`${prefix}_PORT`]),
    hostname: String(values[`${prefix}_HOST`]),
    settings: config,
  };
}

/** What `build` returns: a Hono app (anything with `fetch`), optionally with a WebSocket side. */
export interface BuiltService {
  fetch: (request: Request, server: Server<unknown>) => Response | undefined | Promise<Response | undefined>;
  /** Bun's WebSocket handler, for a service that upgrades requests (the gateway's /ws). */
  websocket?: WebSocketHandler<unknown>;
  /** Called with the server once it listens (to publish to WebSocket topics). */
  onListen?: (server: Server<unknown>) => void;
}

/**
 * The start-up sequence every service shares: its own logger and tracer (services in one process still
 * report as themselves), Sentry when configured, the app, then `Bun.serve` registered for graceful
 * shutdown. Closers run in reverse order, so the server stops accepting before tracing flushes.
 */
export async function startHttpService(opts: HttpServiceOptions): Promise<RunningService> {
  const { name, settings, infra } = opts;
  const logger = createLogger({ service: name, level: settings.LOG_LEVEL });
  const tracing = initTracing({
    service: name,
    otlpEndpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: settings.OTEL_TRACES_SAMPLER_ARG,
  });
  infra.shutdown.add(`${name} tracing`, () => tracing.shutdown());
  initSentry({
    dsn: settings.SENTRY_DSN,
    service: name,
    environment: settings.NODE_ENV,
    release: settings.SENTRY_RELEASE,
  });
  // The service's own metrics plus the shared adapters' (its bus), served together at its /metrics.
  const registry = Registry.merge([infra.registry]);
  const app = await opts.build({ logger, tracer: tracing.tracer, registry, infra });
  const server = serve({
    app,
    port: opts.port,
    hostname: opts.hostname,
    shutdown: infra.shutdown,
    logger,
    websocket: app.websocket,
  });
  app.onListen?.(server);
  const port = server.port ?? opts.port;
  const host = opts.hostname === "0.0.0.0" ? "127.0.0.1" : opts.hostname;
  return { name, port, url: `http://${host}:${port}` };
}
