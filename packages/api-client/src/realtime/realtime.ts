import type { EventEnvelope } from "@payments/contracts/browser";
import * as v from "valibot";
import type { Timers } from "../session/index.ts";

/** The part of the WebSocket API the client uses; the browser's `WebSocket` fits, and so does a test fake. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number }) => void): void;
}

/** Connection state, for a status indicator. */
export type RealtimeStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Dependencies of {@link createRealtimeClient}. */
export interface RealtimeDeps {
  /** `POST /api/realtime/ticket` → a one-time ticket (ARCHITECTURE §7); a fresh one for every connection. */
  getTicket(): Promise<string>;
  /** The `/ws?ticket=…` URL for a ticket. */
  socketUrl(ticket: string): string;
  createSocket(url: string): WebSocketLike;
  timers: Timers;
  /** Uniform [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
  /** First retry delay and its cap (defaults 500 ms and 30 s). */
  backoff?: { baseMs: number; maxMs: number };
  /** True when a ticket failure means "stop trying" (the session ended), not "try again later". */
  isFatal?: (error: unknown) => boolean;
}

/** The real-time client of ARCHITECTURE §7. */
export interface RealtimeClient {
  /** Connect (idempotent); reconnects by itself until {@link RealtimeClient.stop}. */
  start(): void;
  /** Close and stop reconnecting. */
  stop(): void;
  /** Retry now instead of waiting for the backoff (the browser came back online). */
  reconnectNow(): void;
  /** Join a room (e.g. `payment:<id>`), now and after every reconnect; returns the leave function. */
  subscribe(room: string): () => void;
  onEvent(handler: (event: EventEnvelope, room: string) => void): () => void;
  /** Rooms whose events may have been missed (a `seq` gap, or a reconnect): their data must be refetched. */
  onResync(handler: (rooms: readonly string[]) => void): () => void;
  /**
   * The first connection's welcome (`at`: when it arrived): data a page fetched before it may lack events
   * published between that read and the subscription (a sign-in's own notice, say), so whatever was read or
   * in flight by then must be read again. Reconnects resync everything instead ({@link onResync}).
   */
  onBaseline(handler: (rooms: readonly string[], at: number) => void): () => void;
  onStatus(handler: (status: RealtimeStatus) => void): () => void;
  status(): RealtimeStatus;
  /** Settles once every event received so far has been handed to the `onEvent` handlers (or refetched). */
  delivered(): Promise<void>;
}

const seqSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
const serverMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("event"),
    room: v.pipe(v.string(), v.minLength(1)),
    seq: seqSchema,
    event: v.unknown(),
  }),
  /** Sent on connect: the rooms joined by default and each room's current `seq` (the baseline). */
  v.object({ type: v.literal("welcome"), seq: v.record(v.string(), seqSchema) }),
  v.object({ type: v.literal("subscribed"), room: v.pipe(v.string(), v.minLength(1)), seq: seqSchema }),
]);

/** Contracts' event parser: checks an envelope and its data against the event registry. */
type EventParser = typeof import("./events.ts").parseEvent;

let eventParser: Promise<EventParser> | undefined;

/**
 * The parser and the schemas of every event (zod's classic build with them) are fetched with the first
 * event, not with the page: a page shows its data first and hears about changes later.
 */
function loadEventParser(): Promise<EventParser> {
  eventParser ??= import("./events.ts").then((events) => events.parseEvent);
  return eventParser;
}

/** How many recent event ids are remembered: one event reaches several rooms (user, role, payment). */
const RECENT_EVENTS = 500;

/** The delay before reconnect attempt `attempt` (1-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/**
 * Creates the real-time client: ticket auth before every upgrade, reconnect with jittered exponential
 * backoff, re-subscription of joined rooms, and per-room `seq` tracking so a gap (or a reconnect, which may
 * hide one) is reported for a refetch instead of leaving stale data on screen.
 */
export function createRealtimeClient(deps: RealtimeDeps): RealtimeClient {
  const random = deps.random ?? Math.random;
  const { baseMs, maxMs } = deps.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const rooms = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  const recent = new Set<string>();
  const eventHandlers = new Set<(event: EventEnvelope, room: string) => void>();
  const resyncHandlers = new Set<(rooms: readonly string[]) => void>();
  const baselineHandlers = new Set<(rooms: readonly string[], at: number) => void>();
  let baselined = false;
  const statusHandlers = new Set<(status: RealtimeStatus) => void>();
  let status: RealtimeStatus = "idle";
  let socket: WebSocketLike | undefined;
  let attempt = 0;
  let everOpened = false;
  let retryTimer: unknown;
  let generation = 0;
  let delivery: Promise<void> = Promise.resolve();

  function setStatus(next: RealtimeStatus): void {
    if (status === next) return;
    status = next;
    for (const handler of statusHandlers) handler(next);
  }

  function resync(list: readonly string[]): void {
    if (list.length === 0) return;
    for (const handler of resyncHandlers) handler(list);
  }

  function sendSubscribe(room: string): void {
    if (status === "open") socket?.send(JSON.stringify({ type: "subscribe", room }));
  }

  function scheduleReconnect(): void {
    attempt += 1;
    setStatus("reconnecting");
    const delay = backoffDelay(attempt, baseMs, maxMs, random());
    retryTimer = deps.timers.setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  }

  function onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = v.safeParse(serverMessageSchema, json);
    if (!parsed.success) return; // pong, error, unsubscribed, or a newer server's message: nothing to do
    const message = parsed.output;
    if (message.type === "welcome") {
      for (const [room, seq] of Object.entries(message.seq)) lastSeq.set(room, seq);
      if (!baselined) {
        baselined = true;
        const rooms = Object.keys(message.seq);
        const at = Date.now();
        for (const handler of baselineHandlers) handler(rooms, at);
      }
      return;
    }
    if (message.type === "subscribed") {
      if (!lastSeq.has(message.room)) lastSeq.set(message.room, message.seq);
      return;
    }
    const { room, seq } = message;
    const last = lastSeq.get(room);
    if (last !== undefined && seq <= last) return; // a duplicate: already applied
    lastSeq.set(room, seq);
    if (last !== undefined && seq > last + 1) resync([room]);
    // In arrival order, once the parser is there (it is fetched with the first event).
    delivery = delivery
      .then(() => deliver(message.event, room))
      // A handler's error surfaces as an uncaught error (as it would from the socket's listener) without
      // breaking the chain for the events after it.
      .catch((error: unknown) => {
        queueMicrotask(() => {
          throw error;
        });
      });
  }

  async function deliver(raw: unknown, room: string): Promise<void> {
    let parseEvent: EventParser;
    try {
      parseEvent = await loadEventParser();
    } catch {
      eventParser = undefined; // offline for a moment: the next event tries again; this one is refetched
      resync([room]);
      return;
    }
    const event = parseEvent(raw);
    if (!event.ok) {
      // An event this build does not know (a newer producer): refetch rather than guess.
      resync([room]);
      return;
    }
    if (recent.has(event.event.id)) return;
    recent.add(event.event.id);
    if (recent.size > RECENT_EVENTS) {
      const oldest = recent.values().next();
      if (!oldest.done) recent.delete(oldest.value);
    }
    for (const handler of eventHandlers) handler(event.event, room);
  }

  async function connect(): Promise<void> {
    const mine = ++generation;
    setStatus(everOpened || attempt > 0 ? "reconnecting" : "connecting");
    let ticket: string;
    try {
      ticket = await deps.getTicket();
    } catch (error) {
      if (mine !== generation) return;
      if (deps.isFatal?.(error)) {
        setStatus("closed");
        return;
      }
      scheduleReconnect();
      return;
    }
    if (mine !== generation) return;
    const ws = deps.createSocket(deps.socketUrl(ticket));
    socket = ws;
    ws.addEventListener("open", () => {
      if (mine !== generation) return;
      attempt = 0;
      setStatus("open");
      for (const room of rooms.keys()) sendSubscribe(room);
      if (everOpened) {
        // Events published while we were away are lost: everything we showed may be stale.
        const stale = new Set([...lastSeq.keys(), ...rooms.keys()]);
        lastSeq.clear();
        resync([...stale]);
      }
      everOpened = true;
    });
    ws.addEventListener("message", (event) => {
      if (mine === generation) onMessage(event.data);
    });
    ws.addEventListener("close", () => {
      if (mine !== generation) return;
      socket = undefined;
      scheduleReconnect();
    });
  }

  function stopInternal(final: RealtimeStatus): void {
    generation += 1;
    if (retryTimer !== undefined) deps.timers.clearTimeout(retryTimer);
    retryTimer = undefined;
    socket?.close(1000, "client closing");
    socket = undefined;
    setStatus(final);
  }

  return {
    start() {
      if (status === "idle" || status === "closed") {
        attempt = 0;
        void connect();
      }
    },
    stop() {
      stopInternal("closed");
      // The next start may be another user's session: nothing seen so far carries over.
      attempt = 0;
      everOpened = false;
      lastSeq.clear();
    },
    reconnectNow() {
      if (status !== "reconnecting") return;
      stopInternal("reconnecting");
      void connect();
    },
    subscribe(room) {
      const count = rooms.get(room) ?? 0;
      rooms.set(room, count + 1);
      if (count === 0) sendSubscribe(room);
      return () => {
        const left = (rooms.get(room) ?? 1) - 1;
        if (left > 0) {
          rooms.set(room, left);
          return;
        }
        rooms.delete(room);
        lastSeq.delete(room);
        if (status === "open") socket?.send(JSON.stringify({ type: "unsubscribe", room }));
      };
    },
    delivered: () => delivery,
    onEvent(handler) {
      eventHandlers.add(handler);
      return () => eventHandlers.delete(handler);
    },
    onResync(handler) {
      resyncHandlers.add(handler);
      return () => resyncHandlers.delete(handler);
    },
    onBaseline(handler) {
      baselineHandlers.add(handler);
      return () => baselineHandlers.delete(handler);
    },
    onStatus(handler) {
      statusHandlers.add(handler);
      return () => statusHandlers.delete(handler);
    },
    status: () => status,
  };
}
