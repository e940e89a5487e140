import { type AuthEnv, type JwtVerifier, requireAuth } from "@payments/auth-verify";
import { type RealtimeTicket, realtimeTicket } from "@payments/contracts/http";
import { ApiError, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { LRUCache } from "lru-cache";
import type { RealtimeHub } from "../realtime/hub.ts";
import type { SocketIdentity } from "../realtime/rooms.ts";
import type { TicketStore } from "../realtime/tickets.ts";

export interface RealtimeRouteOptions {
  verifier: JwtVerifier;
  tickets: TicketStore;
  hub: RealtimeHub;
  /** Browser origins allowed to open a socket (cross-site WebSocket hijacking). */
  allowedOrigins: readonly string[];
  /** Sessions revoked recently (from `session.revoked`): their still-valid access tokens get no socket. */
  revokedSessions: LRUCache<string, true>;
}

/**
 * The subprotocol a client names when it authenticates with its access token instead of a ticket:
 * `new WebSocket(url, ["payments.v1", "bearer." + accessToken])`. The gateway answers with `payments.v1`
 * only, so the token is never echoed in a response header.
 */
export const WS_PROTOCOL = "payments.v1";
const BEARER_PREFIX = "bearer.";

/** Remembers revoked sessions for one access-token lifetime (plus margin): after that their tokens fail anyway. */
export function createRevokedSessions(): LRUCache<string, true> {
  return new LRUCache<string, true>({ max: 100_000, ttl: 15 * 60_000 });
}

const invalidTicket = () =>
  new ApiError(401, "authentication", "invalid_ticket", "The ticket is missing, expired or already used.");

/**
 * `POST /api/realtime/ticket` trades an access token for a one-time 30 s ticket; `GET /ws?ticket=…` redeems
 * it and upgrades. Or the access token rides in `Sec-WebSocket-Protocol` (`bearer.<token>` next to
 * `payments.v1`). Either way the long-lived credential never appears in a URL (ARCHITECTURE §7), and every
 * check happens before the upgrade: a refused handshake gets an HTTP error, never a socket.
 */
export function realtimeRoutes(opts: RealtimeRouteOptions): Hono<KitEnv & AuthEnv> {
  const app = new Hono<KitEnv & AuthEnv>();

  app.post(realtimeTicket.path, requireAuth(opts.verifier), async (c) => {
    const auth = c.get("auth");
    if (opts.revokedSessions.has(auth.sessionId)) {
      throw new ApiError(401, "authentication", "session_revoked", "This session has ended; sign in again.");
    }
    const ticket = await opts.tickets.issue({
      userId: auth.userId,
      role: auth.role,
      sessionId: auth.sessionId,
    });
    return c.json({ ticket, expires_in: opts.tickets.ttlSeconds } satisfies RealtimeTicket);
  });

  /** The identity a handshake proves: a ticket in the query, or an access token in the subprotocols. */
  async function identify(ticket: string | undefined, protocols: string[]): Promise<SocketIdentity> {
    if (ticket !== undefined) {
      const identity = await opts.tickets.redeem(ticket);
      if (!identity) throw invalidTicket();
      return identity;
    }
    const bearer = protocols.find((p) => p.startsWith(BEARER_PREFIX));
    if (bearer === undefined) throw invalidTicket();
    if (!protocols.includes(WS_PROTOCOL)) {
      throw new ApiError(
        400,
        "invalid_request",
        "protocol_required",
        `Offer the "${WS_PROTOCOL}" subprotocol next to the bearer token.`,
      );
    }
    const auth = await opts.verifier.verify(bearer.slice(BEARER_PREFIX.length));
    return { userId: auth.userId, role: auth.role, sessionId: auth.sessionId };
  }

  app.get("/ws", async (c) => {
    const origin = c.req.header("origin");
    // Browsers always send Origin on a WebSocket handshake; non-browser clients (no cookies to abuse) may omit it.
    if (origin !== undefined && !opts.allowedOrigins.includes(origin)) {
      throw new ApiError(403, "permission", "origin_not_allowed", "This origin may not open a WebSocket.");
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "invalid_request", "upgrade_required", "Connect with a WebSocket client.");
    }
    const protocols = (c.req.header("sec-websocket-protocol") ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    const identity = await identify(c.req.query("ticket"), protocols);
    if (opts.revokedSessions.has(identity.sessionId)) throw invalidTicket();
    const protocol = protocols.includes(WS_PROTOCOL) ? WS_PROTOCOL : undefined;
    if (!opts.hub.upgrade(c.req.raw, identity, protocol)) {
      throw new ApiError(400, "invalid_request", "upgrade_failed", "The WebSocket handshake failed.");
    }
    // Bun ignores the response of an upgraded request; Hono needs one.
    return new Response(null);
  });

  return app;
}
