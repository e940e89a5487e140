import { type Tracer, trace } from "@opentelemetry/api";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { ApiError, createErrorHandler, notFoundHandler } from "../errors/errors.ts";
import { healthRoutes } from "../health/health.ts";
import type { HealthProbe } from "../health/probe.ts";
import { logRequests } from "../logging/request-log.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { openApiRoute } from "../openapi/openapi.ts";
import { type KitEnv, kitMiddleware, requestId } from "../request/request.ts";
import { captureRequestError } from "../sentry/sentry.ts";
import { traceRequests } from "../tracing/middleware.ts";
import { registerTracingGlobals } from "../tracing/tracing.ts";

/** Options of `hono/secure-headers`. */
export type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/** Default request body limit: 1 MiB, far above any JSON this platform accepts. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of {@link createServiceApp}. */
export interface ServiceAppOptions {
  /** Service name: metric `service` label, OpenAPI title, Sentry tag. */
  service: string;
  /** Version shown in the OpenAPI document. */
  version?: string;
  logger: Logger;
  /** The service's tracer from `initTracing`; without it no spans are recorded, but trace ids still pass through. */
  tracer?: Tracer;
  /** The service's metric registry, to share with its adapters; a new one when omitted. */
  registry?: Registry;
  /** Readiness probes known at creation; more can be added later with `addProbe`. */
  probes?: HealthProbe[];
  /**
   * Largest request body, buffered to check chunked bodies; `false` mounts no limit, for an app that
   * streams bodies through and enforces its own limit while they stream (the gateway's proxy).
   */
  bodyLimitBytes?: number | false;
  /** Serve `GET /openapi.json`; default true. */
  openapi?: boolean;
  /** Passed to `hono/secure-headers`, e.g. a CSP for the gateway that serves the frontends. */
  secureHeaders?: SecureHeadersOptions;
}

/**
 * The kit's body limit: 413 in the uniform shape past `maxBytes` (by `Content-Length`, or counted while a
 * chunked body is buffered). Exported for apps that mount it on some routes only.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "invalid_request", "body_too_large", `Request body exceeds ${maxBytes} bytes.`);
    },
  });
}

/** What {@link createServiceApp} returns. */
export interface ServiceApp {
  app: Hono<KitEnv>;
  registry: Registry;
  addProbe(probe: HealthProbe): void;
}

/**
 * One Hono app with everything of ARCHITECTURE §9 in place; the service adds its routes to `app`.
 * Middleware order: request id → tracing → request log → metrics → secure headers → body limit → routes.
 * Errors and unknown routes answer with the uniform error JSON; `/health/live`, `/health/ready`, `/metrics`
 * and `/openapi.json` are mounted.
 */
export function createServiceApp(opts: ServiceAppOptions): ServiceApp {
  registerTracingGlobals();
  const app = new Hono<KitEnv>();
  // Without a tracer of its own the service still passes the caller's trace on: the API's no-op tracer makes
  // non-recording spans that carry the incoming trace id into logs and outgoing calls.
  const tracer = opts.tracer ?? trace.getTracer("service-kit");
  const metrics = createMetrics({ service: opts.service, registry: opts.registry });
  const limit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  app.use(kitMiddleware(requestId(opts.logger)));
  app.use(kitMiddleware(traceRequests(tracer)));
  app.use(kitMiddleware(logRequests()));
  app.use(kitMiddleware(metrics.middleware));
  app.use(kitMiddleware(secureHeaders(opts.secureHeaders)));
  if (limit !== false) app.use(kitMiddleware(limitBody(limit)));

  app.onError(
    createErrorHandler({
      logger: opts.logger,
      onServerError: (error, c) => captureRequestError(error, c, opts.service),
    }),
  );
  app.notFound(notFoundHandler);

  const health = healthRoutes(opts.probes);
  app.route("/", health.routes);
  app.get("/metrics", metrics.handler);
  if (opts.openapi !== false) {
    app.get("/openapi.json", openApiRoute(app, { title: opts.service, version: opts.version ?? "0.0.0" }));
  }
  return { app, registry: metrics.registry, addProbe: health.addProbe };
}
