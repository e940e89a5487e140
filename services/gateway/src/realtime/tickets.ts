import { randomBytes } from "node:crypto";
import type { Cache } from "@payments/cache";
import type { SocketIdentity } from "./rooms.ts";

/** A ticket lives 30 s (ARCHITECTURE §7): long enough to open a socket, too short to be worth stealing. */
export const TICKET_TTL_SECONDS = 30;

/**
 * One-time WebSocket tickets, kept in the cache so that with several gateways behind Caddy the socket may
 * open on another instance than the one that issued the ticket (Redis in the real mode). If the cache is
 * down, redeeming fails and the client falls back to refetching: no long-lived token ever goes in a URL.
 */
export interface TicketStore {
  /** Seconds a ticket stays valid (what `POST /api/realtime/ticket` announces as `expires_in`). */
  readonly ttlSeconds: number;
  issue(identity: SocketIdentity): Promise<string>;
  /** The identity, once: a second redeem of the same ticket, even a concurrent one, returns undefined. */
  redeem(ticket: string): Promise<SocketIdentity | undefined>;
}

/** Options of {@link createTicketStore}. */
export interface TicketStoreOptions {
  /** Lifetime; 30 s unless a test needs to watch one expire. */
  ttlSeconds?: number;
}

const TICKET_PATTERN = /^tkt_[A-Za-z0-9_-]{43}$/;

export function createTicketStore(cache: Cache, opts: TicketStoreOptions = {}): TicketStore {
  const ttlSeconds = opts.ttlSeconds ?? TICKET_TTL_SECONDS;
  return {
    ttlSeconds,
    async issue(identity) {
      const ticket = `tkt_${randomBytes(32).toString("base64url")}`;
      await cache.set(`ticket:${ticket}`, identity, { ttlMs: ttlSeconds * 1000 });
      return ticket;
    },
    async redeem(ticket) {
      if (!TICKET_PATTERN.test(ticket)) return undefined;
      // Atomic read-and-delete (GETDEL on Redis): two handshakes racing with one ticket get one socket.
      return cache.take<SocketIdentity>(`ticket:${ticket}`);
    },
  };
}
