import type { Tracer } from "@opentelemetry/api";
import { ApiError, errorResponse, type KitEnv, type Logger } from "@payments/service-kit";
import { type Context, Hono } from "hono";
import type { Registry } from "prom-client";
import type { ApiKeyExchange, ExchangedKey } from "../http/api-keys.ts";
import { clientOrigin } from "../http/client-address.ts";
import { ForwardError, type ForwardLimits, forward } from "../http/forward.ts";
import { upstreamRequestHeaders } from "../http/headers.ts";
import { statusClass, upstreamLatency } from "../http/metrics.ts";
import { type Observation, observeProxied } from "../http/observe.ts";
import { type Granted, type RateLimiter, writeRateLimitHeaders } from "../http/rate-limit.ts";

export interface ProxyOptions {
  /** Service name: the `/api/<name>` prefix, the metric label, the name in error messages. */
  name: string;
  /** Base URL of the service, e.g. http://127.0.0.1:3001. */
  upstream: string;
  limits: ForwardLimits;
  fetch: typeof fetch;
  /** Peers whose `X-Forwarded-*` headers are believed (Caddy); `*` trusts every peer. */
  trustedProxies: ReadonlySet<string>;
  /** The kit's registry (its `http_*` series are reused) and the gateway's tracer and logger. */
  registry: Registry;
  tracer: Tracer;
  logger: Logger;
  rateLimiter?: RateLimiter;
  /** `Authorization: Bearer sk_…` exchanged for the key's access token (docs/adr/0033); without it forwarded as is. */
  apiKeys?: ApiKeyExchange;
  /** Told of every call made with an API key once it is answered (the audit log's `api_key.used`). */
  onApiKeyCall?: (call: ApiKeyCall) => void;
}

/** One call made with an API key, as the audit log records it. */
export interface ApiKeyCall {
  apiKeyId: string;
  ownerId: string;
  method: string;
  path: string;
  status: number;
  requestId: string;
}

/** Host and path of an absolute URL (`http://host:port/path?query`), without parsing a URL object. */
function splitUrl(url: string): { host: string; path: string } {
  const hostStart = url.indexOf("//") + 2;
  const slash = url.indexOf("/", hostStart);
  const pathStart = slash < 0 ? url.length : slash;
  return { host: url.slice(hostStart, pathStart), path: url.slice(pathStart) };
}

function failure(name: string, error: ForwardError, bodyLimitBytes: number): ApiError {
  if (error.kind === "body_too_large") {
    return new ApiError(
      413,
      "invalid_request",
      "body_too_large",
      `Request body exceeds ${bodyLimitBytes} bytes.`,
    );
  }
  if (error.kind === "timeout") {
    return new ApiError(
      504,
      "unavailable",
      "upstream_timeout",
      `The ${name} service did not answer in time; try again shortly.`,
    );
  }
  return new ApiError(
    502,
    "unavailable",
    "upstream_unavailable",
    `The ${name} service is unavailable; try again shortly.`,
  );
}

/**
 * `/api/<name>` and everything under it, forwarded to one upstream service: path after the prefix and query
 * string, method, headers minus hop-by-hop ones, body as a stream, with the gateway's trace context, the
 * request id and `X-Forwarded-For/-Proto/-Host`; the upstream's response comes back as it streams in. A
 * refused or broken connection is 502, no response headers within the timeout 504, a body over the limit 413,
 * all in the uniform error JSON. Mounted ahead of the kit's middleware: this hot path does the same request
 * id, span, metrics and log line itself at a fraction of the cost (see `observeProxied`), and rate limits.
 */
export function proxyRoutes(opts: ProxyOptions): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  // String concatenation, not `new URL(path, base)`: a path like `//evil.example/x` must stay a path.
  const base = opts.upstream.replace(/\/+$/, "");
  const prefix = `/api/${opts.name}`;
  const observe = observeProxied({
    tracer: opts.tracer,
    logger: opts.logger,
    registry: opts.registry,
    route: `${prefix}/*`,
  });
  const upstreamTimer = upstreamLatency(opts.registry, opts.name);

  async function handle(
    c: Context<KitEnv>,
    seen: Observation,
    host: string,
    rest: string,
    apiKey: ExchangedKey | undefined,
  ): Promise<Response> {
    const request = c.req.raw;

    const headers = upstreamRequestHeaders(request.headers);
    // The secret never travels further than the gateway: the services see the key's short-lived token.
    if (apiKey) headers.set("authorization", `Bearer ${apiKey.accessToken}`);
    const origin = clientOrigin(c, opts.trustedProxies);
    headers.set("x-request-id", seen.requestId);
    if (origin.address) headers.set("x-forwarded-for", origin.address);
    const forwardedProto = origin.viaTrustedProxy ? request.headers.get("x-forwarded-proto") : null;
    headers.set("x-forwarded-proto", forwardedProto ?? (request.url.startsWith("https:") ? "https" : "http"));
    const forwardedHost = origin.viaTrustedProxy ? request.headers.get("x-forwarded-host") : null;
    headers.set("x-forwarded-host", forwardedHost ?? host);
    seen.propagate(headers);

    const target = rest === "" || rest[0] === "?" ? `${base}/${rest}` : `${base}${rest}`;
    const started = performance.now();
    let response: Response;
    try {
      response = await forward(request, target, headers, opts.limits, opts.fetch);
    } catch (error) {
      if (!(error instanceof ForwardError)) throw error;
      if (error.kind !== "body_too_large") upstreamTimer(error.kind, (performance.now() - started) / 1000);
      // Nobody is left to read an answer; 499 (client closed request) keeps logs and metrics honest.
      if (error.kind === "client_gone") return new Response(null, { status: 499 });
      if (error.kind !== "body_too_large") {
        seen.within(() =>
          opts.logger.warn(
            { err: error.cause, upstream: opts.name, failure: error.kind },
            "upstream request failed",
          ),
        );
      }
      throw failure(opts.name, error, opts.limits.bodyLimitBytes);
    }
    upstreamTimer(statusClass(response.status), (performance.now() - started) / 1000);
    return response;
  }

  const proxied = async (c: Context<KitEnv>): Promise<Response> => {
    const { host, path } = splitUrl(c.req.raw.url);
    const seen = observe(c.req.raw, path.split("?", 1)[0] ?? path);
    // What the kit's error responses read (request id in the body, logger for unexpected errors).
    c.set("requestId", seen.requestId);
    c.set("logger", opts.logger);
    let response: Response;
    let granted: Granted | undefined;
    let apiKey: ExchangedKey | undefined;
    try {
      apiKey = opts.apiKeys ? await opts.apiKeys.resolve(c.req.header("authorization")) : undefined;
      // A key has a budget of its own, apart from its owner's browser sessions.
      granted = opts.rateLimiter ? await opts.rateLimiter.check(c, apiKey?.keyId) : undefined;
      response = await handle(c, seen, host, path.slice(prefix.length), apiKey);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        seen.end(500, error);
        throw error;
      }
      response = errorResponse(c, error);
      response.headers.set("x-content-type-options", "nosniff");
    }
    // Headers of upstream responses are edited in place (Bun's fetch gives mutable ones): no copy.
    response.headers.set("x-request-id", seen.requestId);
    if (granted) writeRateLimitHeaders(response.headers, granted);
    // The audit trail of key use: every call made with a key, by key id (docs/adr/0033).
    if (apiKey) {
      const line = {
        api_key_id: apiKey.keyId,
        method: c.req.method,
        path: path.split("?", 1)[0],
        status: response.status,
        request_id: seen.requestId,
      };
      seen.within(() => opts.logger.info(line, "api key request"));
      opts.onApiKeyCall?.({
        apiKeyId: apiKey.keyId,
        ownerId: apiKey.ownerId,
        method: line.method,
        path: line.path ?? "/",
        status: line.status,
        requestId: line.request_id,
      });
    }
    seen.end(response.status);
    return response;
  };
  app.all("/", proxied);
  app.all("/*", proxied);
  return app;
}
