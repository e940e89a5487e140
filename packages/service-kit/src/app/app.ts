import { type Tracer, trace } from "@opentelemetry/api";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { ApiError, createErrorHandler } from "../errors/errors.ts";
import { healthRoutes } from "../health/health.ts";
import type { HealthProbe } from "../health/probe.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { openApiRoute } from "../openapi/openapi.ts";
import { type KitEnv, kitMiddleware } from "../request/request.ts";
import { captureRequestError } from "../sentry/sentry.ts";
import { registerTracingGlobals } from "../tracing/tracing.ts";
import { checkDeclaredQuery, rejectUndeclaredQuery } from "../validation/query-policy.ts";
import { createNotFoundHandler } from "./not-found.ts";
import { observeRequests } from "./observe.ts";
import {
  API_SECURE_HEADERS,
  customSecureHeaders,
  DOCUMENT_SECURE_HEADERS,
  type SecureHeadersOptions,
} from "./secure-headers.ts";

export type { SecureHeadersOptions } from "./secure-headers.ts";

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
  /**
   * The secure headers on every response (ADR 0038): `"api"` (default) for a service that answers JSON to
   * the gateway, `"documents"` (`hono/secure-headers`' defaults) for an app that serves HTML, or options of
   * `hono/secure-headers` (a CSP, a nonce), which run hono's middleware as a layer of its own.
   */
  secureHeaders?: "api" | "documents" | SecureHeadersOptions;
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

/**
 * The body limit, then the query policy (ADR 0015), run inside the observing middleware rather than as two
 * more layers: a request without a body costs one property read, one without a query string one `includes`.
 */
function requestGuard(limit: number | false): MiddlewareHandler<KitEnv> {
  const bodyLimit = limit === false ? undefined : limitBody(limit);
  return (c, next) => {
    if (bodyLimit && c.req.raw.body) {
      return bodyLimit(c, async () => {
        checkDeclaredQuery(c);
        await next();
      });
    }
    checkDeclaredQuery(c);
    return next();
  };
}

/** What {@link createServiceApp} returns. */
export interface ServiceApp {
  app: Hono<KitEnv>;
  registry: Registry;
  addProbe(probe: HealthProbe): void;
}

/**
 * One Hono app with everything of ARCHITECTURE §9 in place; the service adds its routes to `app`.
 * One kit middleware (`observeRequests`, ADR 0026): request id, tracing, request log and metrics around
 * the body limit → query policy → routes, and the secure headers on the response (hono's middleware, as a
 * layer of its own, when the app passes options for it). Errors and unknown routes answer with the uniform
 * error JSON (405 + `Allow` for a known path and another method); query parameters a route does not
 * declare are refused (ADR 0015); `/health/live`, `/health/ready`, `/metrics` and `/openapi.json` are
 * mounted.
 */
export function createServiceApp(opts: ServiceAppOptions): ServiceApp {
  registerTracingGlobals();
  const app = new Hono<KitEnv>();
  // Without a tracer of its own the service still passes the caller's trace on: the API's no-op tracer makes
  // non-recording spans that carry the incoming trace id into logs and outgoing calls.
  const tracer = opts.tracer ?? trace.getTracer("service-kit");
  const metrics = createMetrics({ service: opts.service, registry: opts.registry });
  const limit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  const onError = createErrorHandler({
    logger: opts.logger,
    onServerError: (error, c) => captureRequestError(error, c, opts.service),
  });
  if (typeof opts.secureHeaders === "object") {
    // hono's middleware for options of the app's own, and the guards after it, as separate layers.
    app.use(kitMiddleware(observeRequests({ logger: opts.logger, tracer, metrics })));
    app.use(kitMiddleware(customSecureHeaders(opts.secureHeaders)));
    if (limit !== false) app.use(kitMiddleware(limitBody(limit)));
    app.use(kitMiddleware(rejectUndeclaredQuery()));
  } else {
    const guard = requestGuard(limit);
    app.use(
      kitMiddleware(
        observeRequests({
          logger: opts.logger,
          tracer,
          metrics,
          secureHeaders: opts.secureHeaders === "documents" ? DOCUMENT_SECURE_HEADERS : API_SECURE_HEADERS,
          guard,
          onError,
        }),
      ),
    );
  }
  app.onError(onError);
  app.notFound(createNotFoundHandler(app));

  const health = healthRoutes(opts.probes);
  app.route("/", health.routes);
  app.get("/metrics", metrics.handler);
  if (opts.openapi !== false) {
    app.get("/openapi.json", openApiRoute(opts.service, opts.version));
  }
  return { app, registry: metrics.registry, addProbe: health.addProbe };
}
