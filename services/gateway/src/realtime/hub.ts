import { SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import type { Logger } from "@payments/service-kit";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { LRUCache } from "lru-cache";
import { Counter, Gauge, type Registry } from "prom-client";
import {
  defaultRooms,
  mayJoin,
  type PaymentParties,
  partiesFromEvent,
  roomsForEvent,
  type SocketIdentity,
} from "./rooms.ts";

/** Per-socket state Bun keeps for us (`ws.data`). */
export interface SocketData {
  identity: SocketIdentity;
  rooms: Set<string>;
  /** Cleared at each heartbeat, set by the pong; still false at the next heartbeat → the socket is dead. */
  alive: boolean;
}

export interface HubOptions {
  logger: Logger;
  registry: Registry;
  /** The gateway's tracer: each fan-out is a `ws push <type>` span under the consumer span. */
  tracer?: Tracer;
  /** Ping interval; a socket that has not answered the previous ping by the next one is closed. */
  heartbeatMs?: number;
  /** Bytes queued for one socket before it is dropped (it alone, not the others slowed down). */
  backpressureLimitBytes?: number;
}

/** Close codes the hub uses (4000–4999 are the application's). */
export const CLOSE_SESSION_REVOKED = 4001;
export const CLOSE_HEARTBEAT_MISSED = 4002;

/**
 * The WebSocket side of the gateway on Bun's native pub/sub: each room is a Bun topic, so one
 * `server.publish` reaches every subscriber without a loop in JavaScript. `seq` counts per room on this
 * instance; every instance sees every event (its own queue), so a client connected here sees a gap-free
 * sequence unless it missed messages, and then refetches.
 */
export function createRealtimeHub(opts: HubOptions) {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const tracer = opts.tracer ?? trace.getTracer("gateway-realtime");
  const registers = [opts.registry];
  const connections = new Gauge({ name: "ws_connections", help: "Open WebSocket connections", registers });
  const sent = new Counter({ name: "ws_messages_total", help: "Messages published to rooms", registers });
  const closed = new Counter({
    name: "ws_closed_total",
    help: "WebSocket closes by reason",
    labelNames: ["reason"],
    registers,
  });
  const seq = new Map<string, number>();
  const parties = new LRUCache<string, PaymentParties>({ max: 100_000 });
  const bySession = new Map<string, Set<ServerWebSocket<SocketData>>>();
  const sockets = new Set<ServerWebSocket<SocketData>>();
  let server: Server<SocketData> | undefined;

  function publish(room: string, event: EventEnvelope): void {
    if (!server) return;
    const next = (seq.get(room) ?? 0) + 1;
    seq.set(room, next);
    server.publish(room, JSON.stringify({ type: "event", room, seq: next, event }));
    sent.inc();
  }

  function closeSessions(sessionIds: readonly string[]): void {
    for (const id of sessionIds) {
      for (const ws of bySession.get(id) ?? []) ws.close(CLOSE_SESSION_REVOKED, "session revoked");
    }
  }

  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (!ws.data.alive) {
        closed.inc({ reason: "heartbeat" });
        ws.close(CLOSE_HEARTBEAT_MISSED, "no pong");
        continue;
      }
      ws.data.alive = false;
      ws.ping();
    }
  }, heartbeatMs);

  const websocket: WebSocketHandler<SocketData> = {
    backpressureLimit: opts.backpressureLimitBytes ?? 1024 * 1024,
    closeOnBackpressureLimit: true,
    // Our own heartbeat decides liveness; Bun's idle timeout would close quiet but healthy sockets.
    idleTimeout: 0,
    sendPings: false,
    open(ws) {
      sockets.add(ws);
      connections.inc();
      const sessions = bySession.get(ws.data.identity.sessionId) ?? new Set();
      sessions.add(ws);
      bySession.set(ws.data.identity.sessionId, sessions);
      for (const room of ws.data.rooms) ws.subscribe(room);
      ws.send(
        JSON.stringify({
          type: "welcome",
          rooms: [...ws.data.rooms],
          seq: Object.fromEntries([...ws.data.rooms].map((r) => [r, seq.get(r) ?? 0])),
        }),
      );
    },
    message(ws, raw) {
      const reply = handleClientMessage(ws, typeof raw === "string" ? raw : raw.toString());
      if (reply) ws.send(JSON.stringify(reply));
    },
    pong(ws) {
      ws.data.alive = true;
    },
    close(ws, code) {
      sockets.delete(ws);
      connections.dec();
      bySession.get(ws.data.identity.sessionId)?.delete(ws);
      if (bySession.get(ws.data.identity.sessionId)?.size === 0) bySession.delete(ws.data.identity.sessionId);
      if (code !== CLOSE_HEARTBEAT_MISSED)
        closed.inc({ reason: code === 1009 || code === 1013 ? "backpressure" : String(code) });
    },
  };

  /** `{type:"subscribe"|"unsubscribe", room}`; anything else gets an error message, never a crash. */
  function handleClientMessage(
    ws: ServerWebSocket<SocketData>,
    text: string,
  ): Record<string, unknown> | undefined {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return { type: "error", code: "invalid_json" };
    }
    if (typeof message !== "object" || message === null) return { type: "error", code: "invalid_message" };
    const { type, room } = message as { type?: unknown; room?: unknown };
    if (type === "ping") return { type: "pong" };
    if (typeof room !== "string" || room.length > 100) return { type: "error", code: "invalid_room" };
    if (type === "subscribe") {
      if (!mayJoin(ws.data.identity, room, (id) => parties.get(id)))
        return { type: "error", code: "forbidden_room", room };
      ws.subscribe(room);
      ws.data.rooms.add(room);
      return { type: "subscribed", room, seq: seq.get(room) ?? 0 };
    }
    if (type === "unsubscribe" && !defaultRooms(ws.data.identity).includes(room)) {
      ws.unsubscribe(room);
      ws.data.rooms.delete(room);
      return { type: "unsubscribed", room };
    }
    return { type: "error", code: "invalid_message" };
  }

  return {
    websocket,
    attach(s: Server<SocketData>) {
      server = s;
    },
    /** Upgrades an authenticated request; false when Bun refused (not a WebSocket request). */
    upgrade(req: Request, identity: SocketIdentity): boolean {
      if (!server) return false;
      return server.upgrade(req, { data: { identity, rooms: new Set(defaultRooms(identity)), alive: true } });
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
      return sockets.size;
    },
    close(): void {
      clearInterval(heartbeat);
      for (const ws of sockets) ws.close(1001, "server shutting down");
    },
  };
}

/** The hub {@link createRealtimeHub} returns. */
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
