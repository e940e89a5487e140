import type { Context } from "hono";
import { getConnInfo } from "hono/bun";

/** Where a request came from, as the rate limiter and the services should see it. */
export interface ClientOrigin {
  /** The client's address: the socket peer, or what a trusted proxy says; undefined without a socket. */
  address: string | undefined;
  /** Whether the peer is a trusted proxy, whose `X-Forwarded-Proto`/`-Host` are believed too. */
  viaTrustedProxy: boolean;
}

// One lookup per request: the rate limiter and the proxy both need it, and `requestIP` is a native call.
const seen = new WeakMap<Request, ClientOrigin>();

function lastForwardedHop(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const comma = value.lastIndexOf(",");
  const hop = (comma < 0 ? value : value.slice(comma + 1)).trim();
  return hop === "" ? undefined : hop;
}

/**
 * The client's address: the socket peer, or — when the peer is a trusted proxy (Caddy, which replaces any
 * client-supplied value) — the last address that proxy appended to `X-Forwarded-For`. `*` trusts every peer
 * (a gateway reachable only through Caddy, as in compose).
 */
export function clientOrigin(c: Context, trusted: ReadonlySet<string>): ClientOrigin {
  const request = c.req.raw;
  const known = seen.get(request);
  if (known) return known;
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // Not running under Bun.serve (app.request in tests): no socket to ask.
    peer = undefined;
  }
  const viaTrustedProxy = trusted.has("*") || (peer !== undefined && trusted.has(peer));
  const origin: ClientOrigin = {
    address: viaTrustedProxy
      ? (lastForwardedHop(request.headers.get("x-forwarded-for") ?? undefined) ?? peer)
      : peer,
    viaTrustedProxy,
  };
  seen.set(request, origin);
  return origin;
}
