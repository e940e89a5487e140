/**
 * A gateway with its real-time side on a real Bun server (hub, tickets, routes from `createApp`), for the
 * WebSocket suites, plus a raw handshake client that shows what a refused upgrade answers.
 */
import { connect } from "node:net";
import { createJwtVerifier } from "@payments/auth-verify";
import { type Cache, createMemoryCache, createRedisCache } from "@payments/cache";
import { createEvent, type Id, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { createInProcessBus, type InProcessBus } from "@payments/events";
import { createLogger, Registry } from "@payments/service-kit";
import type { Server } from "bun";
import { createApp, type RealtimeDeps } from "../src/app.ts";
import { createRealtimeHub, type HubOptions, type SocketData } from "../src/realtime/hub.ts";
import { createTicketStore } from "../src/realtime/tickets.ts";
import { createRevokedSessions } from "../src/routes/realtime.ts";
import type { StaticOptions } from "../src/routes/static.ts";
import { collect, opened, type TokenClaims, testKeys } from "./support.ts";

export const ORIGIN = "http://localhost:3000";

/** Options of {@link startTestGateway}. */
export interface TestGatewayOptions {
  hub?: Partial<Omit<HubOptions, "logger" | "registry">>;
  ticketTtlSeconds?: number;
  /** Where tickets live: Redis when a URL is given (tickets shared with other gateways on it), else memory. */
  redisUrl?: string | undefined;
  /** The bus events come from; a private in-process one by default. */
  bus?: InProcessBus;
  keys?: Awaited<ReturnType<typeof testKeys>>;
  /** The ticket store's cache: gateways given the same one share tickets (as they do on Redis in production). */
  cache?: Cache;
  /** Cache namespace of the tickets (two gateways on one Redis with the same namespace share tickets). */
  namespace?: string;
  /** Browser origins allowed to open a socket (default {@link ORIGIN}). */
  allowedOrigins?: string[];
  /** Routing table and built frontends, for suites that go through the whole gateway (Caddy in front). */
  upstreams?: Map<string, string>;
  frontends?: StaticOptions;
}

export function user(role: TokenClaims["role"] = "customer") {
  return { userId: newId("usr"), role, sessionId: newId("ses") };
}

/** Starts the gateway's realtime side on 127.0.0.1 and a free port. */
export async function startTestGateway(opts: TestGatewayOptions = {}) {
  const logger = createLogger({ service: "gateway-test", level: "silent" });
  const keys = opts.keys ?? (await testKeys());
  const registry = new Registry();
  const bus = opts.bus ?? createInProcessBus({ logger });
  const namespace = opts.namespace ?? `gw-test-${newId("evt").slice(4).toLowerCase()}`;
  const cache: Cache =
    opts.cache ??
    (opts.redisUrl
      ? createRedisCache({ url: opts.redisUrl, namespace, logger })
      : createMemoryCache({ namespace, logger }));
  const hub = createRealtimeHub({ logger, registry, ...opts.hub });
  const realtime: RealtimeDeps = {
    hub,
    tickets: createTicketStore(cache, { ttlSeconds: opts.ticketTtlSeconds }),
    verifier: createJwtVerifier({
      jwks: keys.jwks,
      issuer: "urn:payments:auth",
      audience: "urn:payments:api",
    }),
    allowedOrigins: opts.allowedOrigins ?? [ORIGIN],
    revokedSessions: createRevokedSessions(),
  };
  const { app } = createApp({
    logger,
    registry,
    upstreams: opts.upstreams ?? new Map(),
    realtime,
    frontends: opts.frontends,
  });
  let requests = 0;
  const server: Server<SocketData> = Bun.serve<SocketData>({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, s) => {
      requests++;
      return app.fetch(req, s);
    },
    websocket: hub.websocket,
  });
  hub.attach(server);
  const subscription = await bus.subscribe(
    `gateway.${newId("evt").slice(4).toLowerCase()}`,
    ["#"],
    async (event) => {
      if (event.type === "session.revoked")
        for (const id of event.data.session_ids) realtime.revokedSessions.set(id, true);
      hub.dispatch(event);
    },
    { retryDelaysMs: [], maxAttempts: 1, exclusive: true },
  );
  const port = server.port ?? 0;

  async function ticketFor(claims: TokenClaims): Promise<string> {
    const res = await app.request("/api/realtime/ticket", {
      method: "POST",
      headers: { authorization: `Bearer ${await keys.sign(claims)}` },
    });
    if (res.status !== 200) throw new Error(`ticket: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { ticket: string }).ticket;
  }

  return {
    app,
    hub,
    bus,
    cache,
    namespace,
    keys,
    registry,
    realtime,
    port,
    ticketFor,
    /** HTTP requests this gateway has served (handshakes included). */
    requests: () => requests,
    /** Opens a socket with a fresh ticket and waits for the welcome frame. */
    async connect(claims: TokenClaims) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?ticket=${await ticketFor(claims)}`, {
        headers: { origin: ORIGIN },
      });
      const inbox = collect(ws);
      await opened(ws);
      await inbox.next((m) => m.type === "welcome");
      return { ws, inbox };
    },
    async publishPayment(payerId: Id<"usr">, payeeId: Id<"usr">, id = newId("pay")) {
      const data = { ...sampleEventData("payment.created"), id, payer_id: payerId, payee_id: payeeId };
      await bus.publish(createEvent({ type: "payment.created", producer: "payments", subject: id, data }));
      return id;
    },
    async stop() {
      hub.close();
      await subscription.close();
      server.stop(true);
      if (!opts.bus) await bus.close();
      if (!opts.cache) await cache.close();
    },
  };
}

/** What a handshake was answered with: 101 when upgraded (the socket is then dropped). */
export interface HandshakeResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A WebSocket handshake over a raw TCP socket, so a refusal's status and body can be read (a WebSocket
 * client only reports "failed"). Resolves once the headers (and, when refused, the body) have arrived.
 */
export function rawHandshake(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<HandshakeResult> {
  const lines = [
    `GET ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64")}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    const finish = () => {
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...rest] = head.split("\r\n");
      const parsed: Record<string, string> = {};
      for (const line of rest) {
        const i = line.indexOf(":");
        parsed[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      socket.destroy();
      resolve({ status: Number(statusLine.split(" ")[1]), headers: parsed, body });
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      if (text.startsWith("HTTP/1.1 101")) return finish();
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length >= end + 4 + length) finish();
    });
    socket.on("error", reject);
    socket.on("close", () => (text ? finish() : reject(new Error("connection closed without an answer"))));
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}
