/**
 * The WebSocket fan-out benchmark's server: the gateway's real hub (Bun pub/sub rooms, seq, backpressure
 * limit) on its own Bun.serve, without tickets (every socket is an admin, so every event reaches every
 * socket once through `role:admin`). `POST /dispatch?n=…&gapMs=…` publishes that many payment events.
 * Prints its port, then serves until killed. Loopback only.
 */
import { createEvent, newId } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { createLogger } from "@payments/service-kit";
import type { Server } from "bun";
import { Registry } from "prom-client";
import { createRealtimeHub, type SocketData } from "../../services/gateway/src/realtime/hub.ts";

const hub = createRealtimeHub({
  logger: createLogger({ service: "bench-ws", level: "warn" }),
  registry: new Registry(),
});
let n = 0;

const server: Server<SocketData> = Bun.serve<SocketData>({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === "/ws") {
      const id = ++n;
      const ok = hub.upgrade(req, { userId: newId("usr"), role: "admin", sessionId: `ses_bench${id}` });
      return ok ? undefined : new Response("upgrade failed", { status: 400 });
    }
    if (url.pathname === "/dispatch" && req.method === "POST") {
      const count = Number(url.searchParams.get("n") ?? 1);
      const gapMs = Number(url.searchParams.get("gapMs") ?? 0);
      for (let i = 0; i < count; i++) {
        // `occurred_at` (set now, ms precision) is the send time the clients measure delivery latency from.
        const data = sampleEventData("payment.succeeded");
        hub.dispatch(createEvent({ type: "payment.succeeded", producer: "bench", subject: data.id, data }));
        if (gapMs > 0) await Bun.sleep(gapMs);
      }
      return new Response("ok");
    }
    return new Response("not found", { status: 404 });
  },
  websocket: hub.websocket,
});
hub.attach(server);
console.log(JSON.stringify({ port: server.port }));
