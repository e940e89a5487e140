/**
 * WebSocket handshake attacks on `/ws` (ARCHITECTURE §7): no ticket, a reused ticket, a foreign Origin,
 * the ticket of a session revoked after it was issued, a forged ticket — each refused before the upgrade —
 * while a fresh ticket from an allowed origin upgrades (directly and through Caddy).
 */
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { expect, test } from "@playwright/test";
import { Api, str } from "../support/api.ts";
import { caddyRootCert, edgeOrigin, gatewayOrigin, readE2eEnv } from "../support/config.ts";
import { loadCa } from "../support/http.ts";

const env = readE2eEnv();
const api = new Api("gateway");
const ALLOWED_ORIGIN = edgeOrigin(env);

/** Opens a handshake and reports the status: 101 when upgraded (the socket is closed at once). */
function handshake(
  base: string,
  query: string,
  origin: string | undefined,
): Promise<{ status: number; body: string }> {
  const url = new URL(`/ws${query}`, base);
  const secure = url.protocol === "https:";
  const headers: Record<string, string> = {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": randomBytes(16).toString("base64"),
  };
  if (origin) headers.origin = origin;
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)({
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
      timeout: 10_000,
      // Caddy speaks HTTP/1.1 for the upgrade; its certificate is checked against the run's root.
      ...(secure ? { ca: loadCa(caddyRootCert(env)), servername: url.hostname } : {}),
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: "" });
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("handshake timed out")));
    req.on("error", reject);
    req.end();
  });
}

async function ticketFor(token: string): Promise<string> {
  const res = await api.call("POST", "/api/realtime/ticket", { token });
  expect(res.status, res.text).toBe(200);
  return str(res.json, "ticket");
}

let token = "";
test.beforeEach(async () => {
  token = (await api.register("customer", "ws")).token;
});

test("a fresh ticket from an allowed origin upgrades, directly and through Caddy", async () => {
  const direct = await handshake(gatewayOrigin(env), `?ticket=${await ticketFor(token)}`, ALLOWED_ORIGIN);
  expect(direct.status).toBe(101);
  const viaEdge = await handshake(edgeOrigin(env), `?ticket=${await ticketFor(token)}`, ALLOWED_ORIGIN);
  expect(viaEdge.status).toBe(101);
});

test("no ticket, an empty one or a made-up one is refused with 401", async () => {
  for (const query of [
    "",
    "?ticket=",
    `?ticket=${randomBytes(24).toString("base64url")}`,
    "?ticket=../../x",
  ]) {
    const res = await handshake(gatewayOrigin(env), query, ALLOWED_ORIGIN);
    expect(res.status, `query "${query}"`).toBe(401);
    expect(res.body).toContain('"invalid_ticket"');
  }
});

test("a ticket works once: the second handshake with it is refused", async () => {
  const ticket = await ticketFor(token);
  expect((await handshake(gatewayOrigin(env), `?ticket=${ticket}`, ALLOWED_ORIGIN)).status).toBe(101);
  expect((await handshake(gatewayOrigin(env), `?ticket=${ticket}`, ALLOWED_ORIGIN)).status).toBe(401);
});

test("a foreign Origin is refused even with a valid ticket (cross-site WebSocket hijacking)", async () => {
  for (const origin of ["https://evil.example", `https://localhost:${env.httpsPort}.evil.example`, "null"]) {
    const res = await handshake(edgeOrigin(env), `?ticket=${await ticketFor(token)}`, origin);
    expect(res.status, origin).toBe(403);
    expect(res.body).toContain('"origin_not_allowed"');
  }
});

test("a ticket issued before its session was revoked is refused", async () => {
  const ticket = await ticketFor(token);
  expect((await api.call("POST", "/api/auth/logout", { token })).status).toBeLessThan(300);
  // The gateway learns of the revocation from the `session.revoked` event: allow it a moment to arrive.
  let status = 0;
  for (let i = 0; i < 20; i++) {
    const fresh = await api.call("POST", "/api/realtime/ticket", { token });
    if (fresh.status === 401) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  status = (await handshake(gatewayOrigin(env), `?ticket=${ticket}`, ALLOWED_ORIGIN)).status;
  expect(status).toBe(401);
});

test("a ticket cannot be had without a valid access token", async () => {
  expect((await api.call("POST", "/api/realtime/ticket")).status).toBe(401);
  expect((await api.call("POST", "/api/realtime/ticket", { token: `${token}x` })).status).toBe(401);
});
