/**
 * The edge image's Caddyfile (infra/docker/frontends.Caddyfile), run with Debian's Caddy against built-looking
 * frontends in a temp dir and a stand-in gateway: the shell at / with the single-page-app fallback, remotes at
 * /remotes/<name>/, cache headers, the root Caddyfile's security headers (CSP included), /api and /ws proxied,
 * /metrics never exposed. Caddy is installed by .ci/run; without it the suite fails under CI and is reported
 * as not run locally.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort, isCI, startTestCaddy, type TestCaddy } from "@payments/testing";
import { root } from "./support/platform.ts";

const caddy = Bun.which("caddy");
if (!caddy && !isCI)
  console.warn("infra/test/edge.test.ts: caddy not installed (apt-get install caddy); not run");

const FILES: Record<string, string> = {
  "shell/index.html": "<!doctype html><title>shell</title>",
  "shell/sw.js": "// service worker",
  "shell/assets/index-Ab12Cd34.js": "console.log('shell')",
  "remotes/auth/remoteEntry.js": "export const remote = 'auth';",
  "remotes/auth/assets/login-Zx98Yw76.js": "export {}",
  "remotes/payments/remoteEntry.js": "export const remote = 'payments';",
  // Maps a build left behind (frontends/build/sourcemaps.ts moves them out of dist/): never served.
  "shell/assets/index-Ab12Cd34.js.map": '{"version":3,"sources":["src/secret.ts"]}',
  "remotes/auth/assets/login-Zx98Yw76.js.map": '{"version":3,"sources":["src/secret.ts"]}',
};

describe.if(Boolean(caddy) || isCI)("edge (frontends.Caddyfile)", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-"));
  const ports = { plain: 0, https: 0, http: 0, health: 0 };
  const gatewayHits: string[] = [];
  let gateway: ReturnType<typeof Bun.serve> | undefined;
  let caddyServer: TestCaddy | undefined;
  let base = "";

  beforeAll(async () => {
    if (!caddy) throw new Error("caddy is required under CI (apt-get install caddy)");
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
    base = `http://127.0.0.1:${ports.plain}`;
    for (const [file, body] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, "srv", file)), { recursive: true });
      writeFileSync(join(dir, "srv", file), body);
    }
    gateway = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req, server) {
        const url = new URL(req.url);
        gatewayHits.push(url.pathname);
        if (url.pathname === "/ws" && server.upgrade(req, { data: undefined })) return undefined;
        return Response.json({ gateway: url.pathname });
      },
      websocket: {
        message(ws, message) {
          ws.send(`echo:${message}`);
        },
      },
    });
    caddyServer = await startTestCaddy({
      config: "infra/docker/frontends.Caddyfile",
      cwd: root,
      dir,
      env: {
        FRONTENDS_ROOT: join(dir, "srv"),
        GATEWAY_UPSTREAMS: `127.0.0.1:${gateway.port}`,
        SITE_ADDRESS: "localhost",
        CADDY_PLAIN_PORT: String(ports.plain),
        CADDY_HTTPS_PORT: String(ports.https),
        CADDY_HTTP_PORT: String(ports.http),
        CADDY_HEALTH_PORT: String(ports.health),
      },
      ready: async () => (await fetch(`http://127.0.0.1:${ports.health}/`)).ok,
    });
  }, 30_000);

  afterAll(async () => {
    await caddyServer?.stop();
    gateway?.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the shell at / and at client-side routes, revalidated on every load", async () => {
    for (const path of ["/", "/payments/pay_01J0000000", "/account/sessions"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<title>shell</title>");
      expect(res.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("caches hashed assets forever and answers 404 for a missing one", async () => {
    const asset = await fetch(`${base}/assets/index-Ab12Cd34.js`);
    expect(await asset.text()).toBe("console.log('shell')");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${base}/assets/gone-Ab12Cd34.js`)).status).toBe(404);
  });

  it("serves each remote at /remotes/<name>/, its entry revalidated, and 404 for what is not there", async () => {
    const entry = await fetch(`${base}/remotes/auth/remoteEntry.js`);
    expect(await entry.text()).toBe("export const remote = 'auth';");
    expect(entry.headers.get("cache-control")).toBe("no-cache");
    const asset = await fetch(`${base}/remotes/auth/assets/login-Zx98Yw76.js`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await (await fetch(`${base}/remotes/payments/remoteEntry.js`)).text()).toContain("payments");
    expect((await fetch(`${base}/remotes/auth/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/remotes/nope/remoteEntry.js`)).status).toBe(404);
  });

  it("never serves a source map", async () => {
    for (const path of [
      "/assets/index-Ab12Cd34.js.map",
      "/remotes/auth/assets/login-Zx98Yw76.js.map",
      "/x.map",
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(`${path} ${res.status}`).toBe(`${path} 404`);
      expect(await res.text()).not.toContain("sources");
    }
    expect(gatewayHits.some((hit) => hit.endsWith(".map"))).toBe(false);
  });

  it("proxies the API and health routes to the gateway, but never /metrics", async () => {
    expect(await (await fetch(`${base}/api/payments?limit=1`)).json()).toEqual({ gateway: "/api/payments" });
    expect(await (await fetch(`${base}/health/ready`)).json()).toEqual({ gateway: "/health/ready" });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(404);
    expect(gatewayHits).not.toContain("/metrics");
  });

  it("proxies the WebSocket", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${ports.plain}/ws`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send("ping");
      ws.onmessage = (e) => resolve(String(e.data));
      ws.onerror = () => reject(new Error("websocket failed"));
    });
    ws.close();
    expect(reply).toBe("echo:ping");
  });

  it("sends the root Caddyfile's Content-Security-Policy and the other security headers", async () => {
    const policy = /Content-Security-Policy "([^"]+)"/.exec(
      readFileSync(join(root, "Caddyfile"), "utf8"),
    )?.[1];
    expect(policy).toContain("frame-ancestors 'none'");
    for (const path of ["/", "/api/payments", "/remotes/auth/remoteEntry.js"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get("content-security-policy"), path).toBe(
        policy?.replace("{http.request.hostport}", `127.0.0.1:${ports.plain}`) ?? "",
      );
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });

  it("serves the same site over HTTPS with its own certificate, with HSTS", async () => {
    const res = await fetch(`https://127.0.0.1:${ports.https}/`, {
      headers: { host: "localhost" },
      // Caddy's local CA is made fresh for this run; trusting it is beside the point here.
      tls: { rejectUnauthorized: false, serverName: "localhost" },
    });
    expect(await res.text()).toContain("<title>shell</title>");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=31536000");
  });
});
