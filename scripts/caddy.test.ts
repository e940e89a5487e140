/**
 * The Caddy part of `bun run start` (scripts/caddy.ts): with caddy installed the runner puts the root
 * Caddyfile in front of the gateway and prints the HTTPS URL; `auto` steps aside (with the reason) when a
 * port is taken, `caddy` insists, `off` never starts it. Debian's Caddy is required under CI.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, isCI } from "@payments/testing";
import { edgeEnv, startEdge } from "./caddy.ts";

const root = new URL("..", import.meta.url).pathname;
const caddy = Bun.which("caddy");
if (!caddy && !isCI)
  console.warn("scripts/caddy.test.ts: caddy not installed (apt-get install caddy); not run");

describe.if(Boolean(caddy) || isCI)("bun run start with Caddy", () => {
  const dir = mkdtempSync(join(tmpdir(), "start-caddy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const gateway = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) => Response.json({ path: new URL(req.url).pathname }),
  });
  afterAll(() => gateway.stop(true));

  const config = async (extra: Record<string, string>) =>
    edgeEnv.parse({
      CADDY_HTTPS_PORT: String(await freePort()),
      CADDY_HTTP_PORT: String(await freePort()),
      ...extra,
    });

  it("starts Caddy in front of the gateway, trusted through its own root, and stops it", async () => {
    if (!caddy) throw new Error("caddy is required under CI (apt-get install caddy)");
    const settings = await config({ PLATFORM_EDGE: "caddy" });
    const outcome = await startEdge(settings, gateway.port ?? 0, join(dir, "unit"));
    if (!("edge" in outcome)) throw new Error(`no edge: ${outcome.skipped}`);
    const { edge } = outcome;
    expect(edge.url).toBe(`https://localhost:${settings.CADDY_HTTPS_PORT}`);
    expect(edge.rootCert).toStartWith(join(dir, "unit", ".caddy"));
    const res = await fetch(`${edge.url}/api/x`, { tls: { ca: await Bun.file(edge.rootCert).text() } });
    expect(await res.json()).toEqual({ path: "/api/x" });
    expect(res.headers.get("content-security-policy")).toContain("object-src 'none'");
    await edge.stop();
    expect(
      await fetch(`${edge.url}/api/x`, { tls: { rejectUnauthorized: false } }).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
  }, 30_000);

  it("steps aside when its port is taken (auto), refuses to (caddy), and never starts when off", async () => {
    const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    try {
      const settings = { ...(await config({})), CADDY_HTTPS_PORT: taken.port ?? 0 };
      const auto = await startEdge({ ...settings, PLATFORM_EDGE: "auto" }, gateway.port ?? 0, dir);
      expect(auto).toEqual({ skipped: expect.stringContaining(`port ${taken.port} is taken`) });
      await expect(
        startEdge({ ...settings, PLATFORM_EDGE: "caddy" }, gateway.port ?? 0, dir),
      ).rejects.toThrow("PLATFORM_EDGE=caddy");
      expect(await startEdge(await config({ PLATFORM_EDGE: "off" }), gateway.port ?? 0, dir)).toEqual({
        skipped: "PLATFORM_EDGE=off",
      });
    } finally {
      taken.stop(true);
    }
  });

  it("`bun run start` prints the HTTPS URL and serves the platform through it", async () => {
    const https = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    for (const name of ["GATEWAY", "AUTH", "PAYMENTS", "ADMIN", "PROFILE"])
      env[`${name}_PORT`] = String(await freePort());
    Object.assign(env, {
      LOG_LEVEL: "warn",
      PLATFORM_EDGE: "caddy",
      CADDY_HTTPS_PORT: String(https),
      CADDY_HTTP_PORT: String(await freePort()),
    });
    const cwd = join(dir, "platform");
    mkdirSync(cwd);
    const proc = Bun.spawn(["bun", join(root, "scripts/start.ts")], {
      cwd,
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let banner = "";
      const reader = proc.stdout.getReader();
      const deadline = Date.now() + 280_000;
      while (!banner.includes("Payments platform is up")) {
        if (Date.now() > deadline) throw new Error(`platform did not start in time:\n${banner}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`platform exited:\n${banner}\n${await new Response(proc.stderr).text()}`);
        banner += new TextDecoder().decode(value);
      }
      reader.releaseLock();
      expect(banner).toContain(`Payments platform is up: https://localhost:${https}`);
      const rootCert = join(cwd, ".caddy", "data", "caddy", "pki", "authorities", "local", "root.crt");
      expect(banner).toContain(rootCert);
      const ready = await fetch(`https://localhost:${https}/health/ready`, {
        tls: { ca: await Bun.file(rootCert).text() },
      });
      expect(ready.status).toBe(200);
      expect(ready.headers.get("strict-transport-security")).toContain("max-age=31536000");
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    // Caddy went down with the runner.
    expect(
      await fetch(`https://localhost:${https}/`, { tls: { rejectUnauthorized: false } }).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
  }, 300_000);
});
