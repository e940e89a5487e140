import { afterAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJwtVerifier } from "@payments/auth-verify";
import { createMemoryCache } from "@payments/cache";
import { createLogger, createServiceApp, Registry, validate } from "@payments/service-kit";
import { z } from "zod";
import { createApp, type RealtimeDeps } from "../src/app.ts";
import { createRealtimeHub } from "../src/realtime/hub.ts";
import { createTicketStore } from "../src/realtime/tickets.ts";
import { createRevokedSessions } from "../src/routes/realtime.ts";
import { AUDIENCE, ISSUER, testKeys } from "./support.ts";

// ADR 0015 at the edge: what a service answers (415, 405 + Allow, unknown query) reaches the client intact,
// and the gateway's own routes follow the same rules.
const logger = createLogger({ service: "gateway-test", level: "silent" });

/** A real upstream built on the kit, as every service is: `GET|PATCH /me`, the PATCH taking JSON. */
const service = createServiceApp({ service: "profile", logger });
service.app.get("/me", (c) => c.json({ bio: null }));
service.app.patch("/me", validate("json", z.strictObject({ bio: z.string().max(10) })), (c) =>
  c.json(c.req.valid("json")),
);
const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: service.app.fetch });
afterAll(() => upstream.stop(true));

// The built frontends: their root catch-all must shadow neither 405 nor the query policy of /api routes.
const dir = mkdtempSync(join(tmpdir(), "frontends-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files: Array<[path: string, text: string]> = [
  ["shell/dist/index.html", "<!doctype html><title>shell</title>"],
  ["payments/dist/remoteEntry.js", "export const get = () => {}"],
];
for (const [path, text] of files) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const keys = await testKeys();
const registry = new Registry();
const realtime: RealtimeDeps = {
  hub: createRealtimeHub({ logger, registry }),
  tickets: createTicketStore(createMemoryCache({ namespace: "gw-semantics", logger })),
  verifier: createJwtVerifier({ jwks: keys.jwks, issuer: ISSUER, audience: AUDIENCE }),
  allowedOrigins: ["http://localhost:3000"],
  revokedSessions: createRevokedSessions(),
};
afterAll(() => realtime.hub.close());
const { app } = createApp({
  logger,
  registry,
  upstreams: new Map([["profile", `http://127.0.0.1:${upstream.port}`]]),
  realtime,
  frontends: { frontendsDir: dir, remotes: ["payments"] },
});

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { type: string; code: string; message: string; param?: string } })
    .error;
}

describe("uniform HTTP semantics through the gateway", () => {
  it("a proxied 405 keeps its Allow header, and its message names no internal path", async () => {
    const res = await app.request("/api/profile/me", { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH");
    const error = await errorOf(res);
    expect(error.code).toBe("method_not_allowed");
    expect(error.message).not.toContain("/me");
  });

  it("a proxied 415 and a proxied unknown query parameter reach the client as the service sent them", async () => {
    const text = await app.request("/api/profile/me", {
      method: "PATCH",
      headers: { "content-type": "text/plain" },
      body: '{"bio":"hi"}',
    });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe("unsupported_media_type");
    const json = await app.request("/api/profile/me", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: '{"bio":"hi"}',
    });
    expect(json.status).toBe(200);
    const query = await app.request("/api/profile/me?x=1");
    expect(query.status).toBe(400);
    expect(await errorOf(query)).toMatchObject({ code: "unknown_parameter", param: "x" });
  });

  it("the gateway's own routes: 405 + Allow for POST /api/realtime/ticket, frontends served or not", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await app.request("/api/realtime/ticket", { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow"), method).toBe("POST");
      expect((await errorOf(res)).message).not.toContain("/api");
    }
    const analytics = await app.request("/api/analytics");
    expect(analytics.status).toBe(405);
    expect(analytics.headers.get("allow")).toBe("POST");
    const unknown = await app.request("/api/nothing-here", { method: "POST" });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).not.toContain("nothing-here");
  });

  it("the gateway's own routes refuse unknown query parameters; the socket and the frontends keep theirs", async () => {
    const ticket = await app.request("/api/realtime/ticket?debug=1", { method: "POST" });
    expect(ticket.status).toBe(400);
    expect(await errorOf(ticket)).toMatchObject({ code: "unknown_parameter", param: "debug" });
    // `/ws` reads its ticket itself: refused for want of an upgrade, not for its query.
    const ws = await app.request("/ws?ticket=abc");
    expect(ws.status).toBe(426);
    expect((await app.request("/remotes/payments/remoteEntry.js?retry=2")).status).toBe(200);
    expect((await app.request("/payments?status=succeeded")).status).toBe(200);
  });
});
