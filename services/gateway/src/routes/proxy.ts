import { ApiError, injectTraceparent, type KitEnv } from "@payments/service-kit";
import { type Context, Hono } from "hono";
import { getConnInfo } from "hono/bun";
import { proxy } from "hono/proxy";

/** Request headers the gateway never forwards: hop-by-hop ones are dropped by hono/proxy, these too. */
const DROPPED_REQUEST_HEADERS = ["host", "traceparent", "tracestate", "x-forwarded-for", "x-forwarded-host"];

export interface ProxyOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:3001. */
  upstream: string;
  /** The public prefix stripped before forwarding: /api/auth/login → /login. */
  prefix: string;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Peers whose `X-Forwarded-For` is believed (Caddy); `*` trusts every peer (a gateway not exposed directly). */
  trustedProxies: ReadonlySet<string>;
}

/**
 * The client's address as the services should see it: the socket peer, or — when the peer is a trusted proxy
 * (Caddy, which replaces any client-supplied value) — the last address that proxy appended.
 */
export function clientAddress(c: Context, trusted: ReadonlySet<string>): string | undefined {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // Not running under Bun.serve (app.request in tests): no socket to ask.
    peer = undefined;
  }
  if (trusted.has("*") || (peer !== undefined && trusted.has(peer))) {
    const forwarded = c.req
      .header("x-forwarded-for")
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    return forwarded ?? peer;
  }
  return peer;
}

/**
 * One sub-app per upstream service. It forwards the request with the caller's trace context, a request
 * id and forwarding headers, aborts the upstream call when the client goes away (or after the timeout)
 * and turns a connection failure into the uniform 503 instead of a 500.
 */
export function proxyRoutes(opts: ProxyOptions): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  app.all("/*", async (c) => {
    const url = new URL(c.req.url);
    const target = new URL(url.pathname.slice(opts.prefix.length) || "/", opts.upstream);
    target.search = url.search;

    const headers = new Headers(c.req.raw.headers);
    for (const name of DROPPED_REQUEST_HEADERS) headers.delete(name);
    headers.set("x-request-id", c.get("requestId"));
    const client = clientAddress(c, opts.trustedProxies);
    if (client) headers.set("x-forwarded-for", client);
    headers.set("x-forwarded-host", url.host);
    headers.set("x-forwarded-proto", c.req.header("x-forwarded-proto") ?? url.protocol.replace(":", ""));
    injectTraceparent(headers);

    // Either the client disconnecting or the timeout aborts the upstream request.
    const signal = AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(opts.timeoutMs)]);
    try {
      return await proxy(target, {
        method: c.req.method,
        headers,
        body: c.req.raw.body,
        duplex: c.req.raw.body ? "half" : undefined,
        signal,
        customFetch: opts.fetch,
      });
    } catch (err) {
      c.get("logger").warn({ err, upstream: opts.upstream }, "upstream request failed");
      throw new ApiError(
        503,
        "unavailable",
        "upstream_unavailable",
        `The ${serviceName(opts.prefix)} service is unavailable; try again shortly.`,
      );
    }
  });
  return app;
}

function serviceName(prefix: string): string {
  return prefix.split("/").filter(Boolean).at(-1) ?? "upstream";
}
