import { SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import type { Logger } from "@payments/service-kit";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { LRUCache } from "lru-cache";
import { Counter, Gauge, type Registry } from "prom-client";
import { type Bucket, DEFAULT_MESSAGE_RATE, fullBucket, type MessageRate, takeToken } from "./flood.ts";
import { type ErrorFrame, parseClientMessage } from "./messages.ts";
import {
  defaultRooms,
  mayJoin,
  type PaymentParties,
  partiesFromEvent,
  roomsForEvent,
  type SocketIdentity,
} from "./rooms.ts";

/** Why the gateway itself closed a socket (the `reason` label of `ws_closed_total`). */
type ServerCloseReason = "revoked" | "heartbeat" | "flood" | "backpressure" | "shutdown";

/**
 * Per-socket state Bun keeps for us (`ws.data`), kept small: 10,000 sockets hold 10,000 of these. Room
 * memberships are not in it: Bun's pub/sub already keeps them natively, and nothing here needs to list them.
 */
export interface SocketData {
  identity: SocketIdentity;
  /** Cleared at each heartbeat, set by the pong; still false at the next heartbeat → the socket is dead. */
  alive: boolean;
  /** Frames the client may still send (flood control). */
  bucket: Bucket;
  /** Set when the gateway closes the socket, so the close is counted under that reason. */
  closing?: ServerCloseReason;
  /** Which heartbeat slice pings this socket (see `HEARTBEAT_SLICES`). */
  slice: number;
}

export interface HubOptions {
  logger: Logger;
  registry: Registry;
  /** The gateway's tracer: each fan-out is a `ws push <type>` span under the consumer span. */
  tracer?: Tracer;
  /** Ping interval; a socket that has not answered the previous ping by the next one is closed. */
  heartbeatMs?: number;
  /**
   * Bytes queued for one socket before it is dropped (it alone, not the others slowed down). Past the limit
   * Bun stops queueing for that socket, and the next sweep (`slowCheckMs`) terminates it.
   */
  backpressureLimitBytes?: number;
  /** How often queued bytes are checked, when anything was sent since the last check (default 250 ms). */
  slowCheckMs?: number;
  /** How often counts of rooms with no socket left are dropped (default 60 s). */
  forgetRoomsMs?: number;
  /** Frames a client may send; beyond that it is closed with 1008 (policy violation). */
  messageRate?: MessageRate;
  /** Largest frame a client may send; Bun closes the socket (1009) on a bigger one. Default 4 KiB. */
  maxMessageBytes?: number;
}

/** Close codes the hub uses (4000–4999 are the application's; 1008 is the standard "policy violation"). */
export const CLOSE_SESSION_REVOKED = 4001;
export const CLOSE_HEARTBEAT_MISSED = 4002;
export const CLOSE_POLICY_VIOLATION = 1008;

/**
 * The heartbeat pings a 30th of the sockets every 30th of the interval rather than all of them at once:
 * each socket is still pinged once per interval, but 10,000 sockets no longer mean 10,000 pings (one
 * send system call each, then 10,000 pongs) in one burst that a broadcast waits behind — on this kind of
 * machine that burst alone costs ~120 ms, as much as the broadcast itself.
 */
const HEARTBEAT_SLICES = 30;

/** Label of a close the gateway did not initiate; a bounded set, whatever code a client sends. */
function clientCloseReason(code: number, reason: string): string {
  if (code === 1000 || code === 1001) return "client";
  // Bun closes a socket that sent a frame over maxPayloadLength itself, with this reason.
  if (code === 1006 && /too big/i.test(reason)) return "too_big";
  if (code === 1006) return "abnormal";
  return "other";
}

/**
 * The WebSocket side of the gateway on Bun's native pub/sub: each room is a Bun topic, so one
 * `server.publish` reaches every subscriber without a loop in JavaScript. `seq` counts per room on this
 * instance; every instance sees every event (its own queue), so a client connected here sees a gap-free
 * sequence unless it missed messages, and then refetches.
 */
export function createRealtimeHub(opts: HubOptions) {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const backpressureLimit = opts.backpressureLimitBytes ?? 1024 * 1024;
  const rate = opts.messageRate ?? DEFAULT_MESSAGE_RATE;
  const tracer = opts.tracer ?? trace.getTracer("gateway-realtime");
  const registers = [opts.registry];
  const connections = new Gauge({ name: "ws_connections", help: "Open WebSocket connections", registers });
  const sent = new Counter({ name: "ws_messages_total", help: "Messages published to rooms", registers });
  const delivered = new Counter({
    name: "ws_deliveries_total",
    help: "Messages handed to sockets (one per subscriber of each room message)",
    registers,
  });
  const closed = new Counter({
    name: "ws_closed_total",
    help: "WebSocket closes by reason (backpressure: a slow client dropped; flood: too many frames)",
    labelNames: ["reason"],
    registers,
  });
  const seq = new Map<string, number>();
  const parties = new LRUCache<string, PaymentParties>({ max: 100_000 });
  const bySession = new Map<string, Set<ServerWebSocket<SocketData>>>();
  /** Open sockets, split by heartbeat slice; a new socket goes to the next slice in turn. */
  const slices = Array.from({ length: HEARTBEAT_SLICES }, () => new Set<ServerWebSocket<SocketData>>());
  let nextSlice = 0;
  let openCount = 0;
  let server: Server<SocketData> | undefined;
  let sentSinceSweep = false;

  function publish(room: string, event: EventEnvelope): void {
    if (!server) return;
    sent.inc();
    const subscribers = server.subscriberCount(room);
    // A room no socket is in keeps no count. Counting every room ever published to (a `payment:` room per
    // payment, a `user:` room per user) grew the gateway's memory with every payment, for ever. A socket
    // that joins later is told the count as it is then (0), and a client takes its sequence from that
    // answer, as it does from a welcome after a reconnect (packages/api-client realtime.ts).
    if (subscribers === 0) {
      seq.delete(room);
      return;
    }
    const next = (seq.get(room) ?? 0) + 1;
    seq.set(room, next);
    server.publish(room, JSON.stringify({ type: "event", room, seq: next, event }));
    delivered.inc(subscribers);
    sentSinceSweep = true;
  }

  // Rooms whose last socket left since their last message: their counts go too (the next message to a
  // room with no one in it would drop its count anyway; this catches rooms that get no further message).
  const forgetEmptyRooms = setInterval(() => {
    if (!server) return;
    for (const room of seq.keys()) if (server.subscriberCount(room) === 0) seq.delete(room);
  }, opts.forgetRoomsMs ?? 60_000);

  function closeAs(ws: ServerWebSocket<SocketData>, reason: ServerCloseReason, code: number, text: string) {
    if (ws.data.closing) return;
    ws.data.closing = reason;
    if (reason === "flood") opts.logger.warn({ user_id: ws.data.identity.userId }, "websocket flood: closed");
    ws.close(code, text);
  }

  function closeSessions(sessionIds: readonly string[]): void {
    for (const id of sessionIds) {
      for (const ws of bySession.get(id) ?? [])
        closeAs(ws, "revoked", CLOSE_SESSION_REVOKED, "session revoked");
    }
  }

  function* allSockets(): Generator<ServerWebSocket<SocketData>> {
    for (const slice of slices) yield* slice;
  }

  let beat = 0;
  const heartbeat = setInterval(() => {
    const slice = slices[beat] ?? [];
    beat = (beat + 1) % HEARTBEAT_SLICES;
    for (const ws of slice) {
      if (!ws.data.alive) {
        closeAs(ws, "heartbeat", CLOSE_HEARTBEAT_MISSED, "no pong");
        continue;
      }
      ws.data.alive = false;
      ws.ping();
    }
  }, heartbeatMs / HEARTBEAT_SLICES);

  // A slow client is terminated, not closed: a close frame would queue behind the bytes it does not read.
  const sweep = setInterval(() => {
    if (!sentSinceSweep) return;
    sentSinceSweep = false;
    for (const ws of allSockets()) {
      if (ws.data.closing || ws.getBufferedAmount() < backpressureLimit) continue;
      ws.data.closing = "backpressure";
      opts.logger.warn({ user_id: ws.data.identity.userId }, "websocket too slow to read: dropped");
      ws.terminate();
    }
  }, opts.slowCheckMs ?? 250);

  function reply(ws: ServerWebSocket<SocketData>, frame: ErrorFrame | Record<string, unknown>): void {
    ws.send(JSON.stringify(frame));
  }

  const websocket: WebSocketHandler<SocketData> = {
    // Bun stops queueing for a socket past this limit (messages to it are dropped); the sweep then drops it.
    backpressureLimit,
    closeOnBackpressureLimit: false,
    maxPayloadLength: opts.maxMessageBytes ?? 4096,
    // Our own heartbeat decides liveness; Bun's idle timeout would close quiet but healthy sockets.
    idleTimeout: 0,
    sendPings: false,
    open(ws) {
      slices[ws.data.slice]?.add(ws);
      openCount++;
      connections.inc();
      const sessions = bySession.get(ws.data.identity.sessionId) ?? new Set();
      sessions.add(ws);
      bySession.set(ws.data.identity.sessionId, sessions);
      const rooms = defaultRooms(ws.data.identity);
      for (const room of rooms) ws.subscribe(room);
      reply(ws, { type: "welcome", rooms, seq: Object.fromEntries(rooms.map((r) => [r, seq.get(r) ?? 0])) });
    },
    message(ws, raw) {
      if (!takeToken(ws.data.bucket, rate, performance.now())) {
        closeAs(ws, "flood", CLOSE_POLICY_VIOLATION, "message rate exceeded");
        return;
      }
      reply(ws, answer(ws, raw));
    },
    pong(ws) {
      ws.data.alive = true;
    },
    close(ws, code, reason) {
      if (slices[ws.data.slice]?.delete(ws)) openCount--;
      connections.dec();
      const sessions = bySession.get(ws.data.identity.sessionId);
      sessions?.delete(ws);
      if (sessions?.size === 0) bySession.delete(ws.data.identity.sessionId);
      closed.inc({ reason: ws.data.closing ?? clientCloseReason(code, reason) });
    },
  };

  /** The answer to a client frame: subscribe, unsubscribe or ping, or an error frame (the connection stays). */
  function answer(
    ws: ServerWebSocket<SocketData>,
    raw: string | Buffer,
  ): ErrorFrame | Record<string, unknown> {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return parsed.error;
    const message = parsed.message;
    if (message.type === "ping") return { type: "pong" };
    const { room } = message;
    if (message.type === "subscribe") {
      if (!mayJoin(ws.data.identity, room, (id) => parties.get(id))) {
        return { type: "error", code: "forbidden_room", message: "This room is not yours to join.", room };
      }
      ws.subscribe(room);
      return { type: "subscribed", room, seq: seq.get(room) ?? 0 };
    }
    if (defaultRooms(ws.data.identity).includes(room)) {
      return { type: "error", code: "default_room", message: "A socket stays in its own rooms.", room };
    }
    ws.unsubscribe(room);
    return { type: "unsubscribed", room };
  }

  return {
    websocket,
    attach(s: Server<SocketData>) {
      server = s;
    },
    /**
     * Upgrades an authenticated request; false when Bun refused (not a WebSocket request). `protocol` is the
     * subprotocol to answer with (never the token a client offered next to it).
     */
    upgrade(req: Request, identity: SocketIdentity, protocol?: string): boolean {
      if (!server) return false;
      const data: SocketData = {
        identity,
        alive: true,
        bucket: fullBucket(rate, performance.now()),
        slice: nextSlice,
      };
      nextSlice = (nextSlice + 1) % HEARTBEAT_SLICES;
      return server.upgrade(req, {
        data,
        ...(protocol ? { headers: { "Sec-WebSocket-Protocol": protocol } } : {}),
      });
    },
    /** Fans one event out to its rooms; closes the sockets of revoked sessions. */
    dispatch(event: EventEnvelope): void {
      const rooms = roomsForEvent(event);
      const span = tracer.startSpan(`ws push ${event.type}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "websocket",
          "messaging.message.id": event.id,
          "ws.rooms": rooms.length,
        },
      });
      try {
        const learnt = partiesFromEvent(event);
        if (learnt) parties.set(learnt[0], learnt[1]);
        for (const room of rooms) publish(room, event);
        if (event.type === "session.revoked") closeSessions(event.data.session_ids);
      } finally {
        span.end();
      }
    },
    openSockets(): number {
      return openCount;
    },
    /** Rooms whose message count is kept: those with a socket in them (tests, and a bound to watch). */
    countedRooms(): number {
      return seq.size;
    },
    close(): void {
      clearInterval(heartbeat);
      clearInterval(sweep);
      clearInterval(forgetEmptyRooms);
      for (const ws of allSockets()) closeAs(ws, "shutdown", 1001, "server shutting down");
    },
  };
}

/** The hub {@link createRealtimeHub} returns. */
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
