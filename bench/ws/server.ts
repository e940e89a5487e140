/**
 * The WebSocket fan-out benchmark's gateway: the real gateway app (`createApp` with its realtime side: the
 * `/ws` route with Origin check and one-time tickets, the hub on Bun's pub/sub, metrics) on its own
 * Bun.serve, in its own process so its memory can be measured alone. Usage: `bun server.ts [origin]`.
 * Bench-only routes, loopback only: `POST /bench/tickets?n=` issues n tickets (customers, each its own
 * user), `POST /bench/dispatch?n=&gapMs=` relays that many `config.updated` events (room `broadcast`: every
 * socket) the way the event bridge does and answers with each one's fan-out time in the gateway (ms),
 * `GET /bench/stats` reports RSS, peak RSS and open sockets. Prints its port, then serves until killed.
 */
import { readFileSync } from "node:fs";
import { createJwtVerifier } from "@payments/auth-verify";
import { createEvent, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { createLogger } from "@payments/service-kit";
import type { Server } from "bun";
import { Registry } from "prom-client";
// The cache package is the gateway's dependency, not the bench's; imported the way the gateway's code is.
import { createMemoryCache } from "../../packages/cache/src/index.ts";
import { createApp } from "../../services/gateway/src/app.ts";
import { createRealtimeHub, type SocketData } from "../../services/gateway/src/realtime/hub.ts";
import { createTicketStore } from "../../services/gateway/src/realtime/tickets.ts";
import { createRevokedSessions } from "../../services/gateway/src/routes/realtime.ts";

/** The browser origin the clients present (argv[2]), the only one allowed. */
const origin = Bun.argv[2] ?? "https://localhost:8443";

const logger = createLogger({ service: "bench-ws", level: "warn" });
const registry = new Registry();
const hub = createRealtimeHub({ logger, registry });
const tickets = createTicketStore(createMemoryCache({ namespace: "gateway", logger, maxEntries: 50_000 }));
const { app } = createApp({
  logger,
  registry,
  upstreams: new Map(),
  realtime: {
    hub,
    tickets,
    // Never called: sockets open with tickets issued below, not with access tokens.
    verifier: createJwtVerifier({
      jwksUrl: "http://127.0.0.1:9/jwks",
      issuer: "urn:payments:auth",
      audience: "urn:payments:api",
    }),
    allowedOrigins: [origin],
    revokedSessions: createRevokedSessions(),
  },
});

/** Peak resident set size of this process (kB → bytes), from the kernel. */
function peakRss(): number {
  const line = readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) * 1024;
}

async function benchRoute(url: URL): Promise<Response | undefined> {
  const n = Number(url.searchParams.get("n") ?? 1);
  if (url.pathname === "/bench/tickets") {
    const issued: string[] = [];
    for (let i = 0; i < n; i++) {
      issued.push(await tickets.issue({ userId: newId("usr"), role: "customer", sessionId: newId("ses") }));
    }
    return Response.json(issued);
  }
  if (url.pathname === "/bench/dispatch") {
    const gapMs = Number(url.searchParams.get("gapMs") ?? 0);
    const fanOuts: Promise<number>[] = [];
    for (let i = 0; i < n; i++) {
      // `occurred_at` (now, ms precision) is the send time the clients measure delivery latency from.
      const data = sampleEventData("config.updated");
      const started = performance.now();
      hub.dispatch(createEvent({ type: "config.updated", producer: "bench", subject: "config", data }));
      // Bun queues a publish and writes it to every subscriber's socket when the event loop next turns; a
      // 0 ms timer fires after that, so this is the gateway's own share of the delivery latency (publish →
      // the last socket's bytes handed to the kernel), whatever the clients' processes do with them.
      fanOuts.push(new Promise((resolve) => setTimeout(() => resolve(performance.now() - started), 0)));
      if (gapMs > 0) await Bun.sleep(gapMs);
    }
    return Response.json(await Promise.all(fanOuts));
  }
  if (url.pathname === "/bench/stats") {
    return Response.json({ rss: process.memoryUsage().rss, peakRss: peakRss(), sockets: hub.openSockets() });
  }
  return undefined;
}

const server: Server<SocketData> = Bun.serve<SocketData>({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req, s) {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/bench/"))
      return (await benchRoute(url)) ?? new Response("", { status: 404 });
    return app.fetch(req, s);
  },
  websocket: hub.websocket,
});
hub.attach(server);
console.log(JSON.stringify({ port: server.port }));
