/**
 * Through the root Caddyfile over HTTPS (issue "Done when"), with a client that trusts Caddy's local root
 * only (no insecure flag): an API call through two gateway upstreams to a service, a WebSocket round trip,
 * the security headers, compression, the frontends' cache headers, and the plain-HTTP redirect. Debian's
 * Caddy runs with a private data dir and ports; without it the suite fails under CI and is reported as not
 * run locally.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createEvent } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { createInProcessBus } from "@payments/events";
import { createLogger } from "@payments/service-kit";
import { freePort, isCI, type TestCaddy } from "@payments/testing";
import { WS_PROTOCOL } from "../src/routes/realtime.ts";
import { collect, opened, startRootCaddy, testKeys } from "./support.ts";
import { startTestGateway, user } from "./ws-support.ts";

const root = new URL("../../../", import.meta.url).pathname;
const caddy = Bun.which("caddy");
if (!caddy && !isCI) console.warn("services/gateway/test/caddy.test.ts: caddy not installed; not run");

const CSP =
  readFileSync(join(root, "Caddyfile"), "utf8").match(/Content-Security-Policy "([^"]+)"/)?.[1] ?? "";

describe("the Caddyfile's Content-Security-Policy", () => {
  it("allows exactly the offline page's inline style and handler, by hash", () => {
    const html = readFileSync(join(root, "frontends/shell/public/offline.html"), "utf8");
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => hash(m[1] ?? ""));
    const handlers = [...html.matchAll(/\son[a-z]+="([^"]*)"/g)].map((m) => hash(m[1] ?? ""));
    expect(html).not.toMatch(/<script>/);
    const directive = (name: string) => CSP.split(";").find((d) => d.trim().startsWith(`${name} `)) ?? "";
    for (const h of styles) expect(directive("style-src")).toContain(h);
    for (const h of handlers) expect(directive("script-src")).toContain(h);
    // Nothing else inline: no 'unsafe-inline' / 'unsafe-eval' anywhere.
    expect(CSP).not.toContain("'unsafe-inline'");
    expect(CSP).not.toContain("'unsafe-eval'");
  });
});

describe.if(Boolean(caddy) || isCI)("through Caddy over HTTPS (root Caddyfile)", () => {
  const dir = mkdtempSync(join(tmpdir(), "caddy-edge-"));
  const ports = { https: 0, http: 0 };
  const keys = testKeys();
  const bus = createInProcessBus({ logger: createLogger({ service: "caddy-test", level: "silent" }) });
  let gateways: Awaited<ReturnType<typeof startTestGateway>>[] = [];
  let service: ReturnType<typeof Bun.serve> | undefined;
  let caddyServer: TestCaddy | undefined;
  let ca = "";
  let base = "";
  let origin = "";

  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, tls: { ca }, decompress: false });

  beforeAll(async () => {
    if (!caddy) throw new Error("caddy is required under CI (apt-get install caddy)");
    ports.https = await freePort();
    ports.http = await freePort();
    origin = `https://localhost:${ports.https}`;
    base = origin;
    const files: Record<string, string> = {
      "shell/dist/index.html": `<!doctype html><title>shell</title>${"<!-- padding -->".repeat(100)}`,
      "shell/dist/sw.js": "// service worker",
      "shell/dist/assets/index-Ab12Cd34.js": `console.log(${JSON.stringify("x".repeat(2000))})`,
      // Left behind by a build (the build plugin moves maps out of dist/): neither Caddy nor the gateway serves it.
      "shell/dist/assets/index-Ab12Cd34.js.map": '{"version":3,"sources":["src/secret.ts"]}',
      "auth/dist/remoteEntry.js": "export const remote = 'auth';",
    };
    for (const [file, body] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, "frontends", file)), { recursive: true });
      writeFileSync(join(dir, "frontends", file), body);
    }
    // A service behind the gateways that answers with a body big enough to be compressed (`/small`: ~930
    // bytes, over Caddy's default threshold of 512 but within one packet, which the edge sends as it is).
    service = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req) => {
        const path = new URL(req.url).pathname;
        return Response.json({ path, filler: "y".repeat(path === "/small" ? 900 : 2000) });
      },
    });
    const shared = {
      keys: await keys,
      bus,
      allowedOrigins: [origin],
      upstreams: new Map([["echo", `http://127.0.0.1:${service.port}`]]),
      frontends: { frontendsDir: join(dir, "frontends"), remotes: ["auth"] },
    };
    const first = await startTestGateway(shared);
    gateways = [first, await startTestGateway({ ...shared, cache: first.cache })];
    const edge = await startRootCaddy({
      dir,
      ports,
      upstreams: gateways.map((g) => `127.0.0.1:${g.port}`),
      readyPath: "/health/live",
    });
    caddyServer = edge.caddy;
    ca = edge.ca;
  }, 30_000);

  afterAll(async () => {
    await caddyServer?.stop();
    for (const g of gateways) await g.stop();
    service?.stop(true);
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("redirects plain HTTP to the HTTPS origin, port, path and query kept, without a Server header", async () => {
    const res = await fetch(`http://localhost:${ports.http}/api/echo/x?y=1`, { redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe(`${origin}/api/echo/x?y=1`);
    expect(res.headers.get("server")).toBeNull();
  });

  it("serves an API call through the gateways with every security header, compressed", async () => {
    const res = await get("/api/echo/things?limit=1", { headers: { "accept-encoding": "zstd, gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("zstd");
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("strict-transport-security") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("server")).toBeNull();
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      `connect-src 'self' wss://localhost:${ports.https}`,
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toMatch(/script-src 'self'[ ;]/);
    const gzip = await get("/api/echo/things", { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    const plain = await fetch(`${base}/api/echo/things`, { tls: { ca } });
    expect(((await plain.json()) as { path: string }).path).toBe("/things");
    // Compression only where it pays (ADR 0026): a small JSON answer is not encoded, whatever is accepted.
    const small = await get("/api/echo/small", { headers: { "accept-encoding": "zstd, gzip" } });
    expect(small.status).toBe(200);
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(((await small.json()) as { path: string }).path).toBe("/small");
  });

  it("serves the frontends with immutable hashed assets and revalidated entry points", async () => {
    const page = await get("/");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const asset = await get("/assets/index-Ab12Cd34.js", { headers: { "accept-encoding": "gzip" } });
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect((await get("/remotes/auth/remoteEntry.js")).headers.get("cache-control")).toBe("no-cache");
    expect((await get("/sw.js")).headers.get("cache-control")).toBe("no-cache");
    expect((await get("/metrics")).status).toBe(404);
    expect((await get("/assets/index-Ab12Cd34.js.map")).status).toBe(404);
  });

  it("carries a WebSocket round trip over wss, with a ticket and with the subprotocol token", async () => {
    const claims = user("admin");
    const ticket = await get("/api/realtime/ticket", {
      method: "POST",
      headers: { authorization: `Bearer ${await (await keys).sign(claims)}`, origin },
    });
    expect(ticket.status).toBe(200);
    const { ticket: value } = (await ticket.json()) as { ticket: string };
    const ws = new WebSocket(`wss://localhost:${ports.https}/ws?ticket=${value}`, {
      headers: { origin },
      tls: { ca },
    });
    const inbox = collect(ws);
    await opened(ws);
    await inbox.next((m) => m.type === "welcome");
    ws.send(JSON.stringify({ type: "ping" }));
    await inbox.next((m) => m.type === "pong");
    const data = sampleEventData("payment.succeeded");
    await bus.publish(
      createEvent({ type: "payment.succeeded", producer: "payments", subject: data.id, data }),
    );
    const pushed = await inbox.next((m) => m.type === "event" && m.room === "role:admin");
    expect((pushed.event as { subject: string }).subject).toBe(data.id);
    ws.close();

    const byToken = new WebSocket(`wss://localhost:${ports.https}/ws`, {
      protocols: [WS_PROTOCOL, `bearer.${await (await keys).sign(user())}`],
      headers: { origin },
      tls: { ca },
    });
    const tokenInbox = collect(byToken);
    await opened(byToken);
    expect(byToken.protocol).toBe(WS_PROTOCOL);
    await tokenInbox.next((m) => m.type === "welcome");
    byToken.close();
  });

  it("refuses a foreign Origin before the upgrade, through Caddy too", async () => {
    const res = await get("/ws?ticket=whatever", {
      headers: { origin: "https://evil.example", connection: "Upgrade", upgrade: "websocket" },
    });
    expect(res.status).toBe(403);
  });
  it("spreads requests over both gateways and keeps answering when one is gone", async () => {
    const before = gateways.map((g) => g.requests());
    for (let i = 0; i < 10; i++) expect((await get("/api/echo/spread")).status).toBe(200);
    const served = gateways.map((g, i) => g.requests() - (before[i] ?? 0));
    expect(served.every((n) => n >= 3)).toBe(true);
    const gone = gateways.pop();
    await gone?.stop();
    for (let i = 0; i < 6; i++) expect((await get("/api/echo/spread")).status).toBe(200);
  });
});
