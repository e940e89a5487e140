import { type AuthEnv, type JwtVerifier, requireAuth } from "@payments/auth-verify";
import { ApiError, describeRoute, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";
import { LRUCache } from "lru-cache";
import type { RealtimeHub } from "../realtime/hub.ts";
import { TICKET_TTL_SECONDS, type TicketStore } from "../realtime/tickets.ts";

export interface RealtimeRouteOptions {
  verifier: JwtVerifier;
  tickets: TicketStore;
  hub: RealtimeHub;
  /** Browser origins allowed to open a socket (cross-site WebSocket hijacking). */
  allowedOrigins: readonly string[];
  /** Sessions revoked recently (from `session.revoked`): their still-valid access tokens get no socket. */
  revokedSessions: LRUCache<string, true>;
}

/** Remembers revoked sessions for one access-token lifetime (plus margin): after that their tokens fail anyway. */
export function createRevokedSessions(): LRUCache<string, true> {
  return new LRUCache<string, true>({ max: 100_000, ttl: 15 * 60_000 });
}

/**
 * `POST /api/realtime/ticket` trades an access token for a one-time 30 s ticket; `GET /ws?ticket=…` redeems
 * it and upgrades. The long-lived credential never appears in a URL (ARCHITECTURE §7).
 */
export function realtimeRoutes(opts: RealtimeRouteOptions): Hono<KitEnv & AuthEnv> {
  const app = new Hono<KitEnv & AuthEnv>();

  app.post(
    "/api/realtime/ticket",
    describeRoute({ summary: "Get a one-time WebSocket ticket", tags: ["realtime"] }),
    requireAuth(opts.verifier),
    async (c) => {
      const auth = c.get("auth");
      if (opts.revokedSessions.has(auth.sessionId)) {
        throw new ApiError(
          401,
          "authentication",
          "session_revoked",
          "This session has ended; sign in again.",
        );
      }
      const ticket = await opts.tickets.issue({
        userId: auth.userId,
        role: auth.role,
        sessionId: auth.sessionId,
      });
      return c.json({ ticket, expires_in: TICKET_TTL_SECONDS });
    },
  );

  app.get("/ws", async (c) => {
    const origin = c.req.header("origin");
    // Browsers always send Origin on a WebSocket handshake; non-browser clients (no cookies to abuse) may omit it.
    if (origin !== undefined && !opts.allowedOrigins.includes(origin)) {
      throw new ApiError(403, "permission", "origin_not_allowed", "This origin may not open a WebSocket.");
    }
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "invalid_request", "upgrade_required", "Connect with a WebSocket client.");
    }
    const ticket = c.req.query("ticket");
    const identity = ticket ? await opts.tickets.redeem(ticket) : undefined;
    if (!identity || opts.revokedSessions.has(identity.sessionId)) {
      throw new ApiError(
        401,
        "authentication",
        "invalid_ticket",
        "The ticket is missing, expired or already used.",
      );
    }
    if (!opts.hub.upgrade(c.req.raw, identity)) {
      throw new ApiError(400, "invalid_request", "upgrade_failed", "The WebSocket handshake failed.");
    }
    // Bun ignores the response of an upgraded request; Hono needs one.
    return new Response(null);
  });

  return app;
}
