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
  issue(identity: SocketIdentity): Promise<string>;
  /** The identity, once: a second redeem of the same ticket returns undefined. */
  redeem(ticket: string): Promise<SocketIdentity | undefined>;
}

const TICKET_PATTERN = /^tkt_[A-Za-z0-9_-]{43}$/;

export function createTicketStore(cache: Cache): TicketStore {
  return {
    async issue(identity) {
      const ticket = `tkt_${randomBytes(32).toString("base64url")}`;
      await cache.set(`ticket:${ticket}`, identity, { ttlMs: TICKET_TTL_SECONDS * 1000 });
      return ticket;
    },
    async redeem(ticket) {
      if (!TICKET_PATTERN.test(ticket)) return undefined;
      const key = `ticket:${ticket}`;
      const identity = await cache.get<SocketIdentity>(key);
      if (identity) await cache.del(key);
      return identity;
    },
  };
}
