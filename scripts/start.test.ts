/**
 * The README's promise: `bun run start` on a machine with only Bun boots the whole platform on the
 * embedded default and the gateway answers /health/ready and /metrics; with real URLs it uses them.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, isCI, realServer } from "@payments/testing";

const root = new URL("..", import.meta.url).pathname;
const SERVICES = ["GATEWAY", "AUTH", "PAYMENTS", "ADMIN", "PROFILE"];

/** Environment of a machine with nothing configured, plus fresh ports. */
async function baseEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.endsWith("_URL") || k.endsWith("_PORT")) continue;
    env[k] = v;
  }
  for (const s of SERVICES) env[`${s}_PORT`] = String(await freePort());
  env.LOG_LEVEL = "warn";
  // Caddy in front is scripts/caddy.test.ts's subject; here the gateway alone.
  env.PLATFORM_EDGE = "off";
  return env;
}

async function startPlatform(env: Record<string, string>, cwd: string) {
  const proc = Bun.spawn(["bun", join(root, "scripts/start.ts")], {
    cwd,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const decoder = new TextDecoder();
  let out = "";
  const reader = proc.stdout.getReader();
  const deadline = Date.now() + 280_000;
  while (!out.includes("Payments platform is up")) {
    if (Date.now() > deadline) throw new Error(`platform did not start in time:\n${out}`);
    const { value, done } = await reader.read();
    if (done)
      throw new Error(`platform exited before starting:\n${out}\n${await new Response(proc.stderr).text()}`);
    out += decoder.decode(value);
  }
  reader.releaseLock();
  return { proc, banner: out, gateway: `http://127.0.0.1:${env.GATEWAY_PORT}` };
}

async function stopPlatform(proc: Bun.Subprocess): Promise<number> {
  proc.kill("SIGTERM");
  return proc.exited;
}

describe("bun run start (embedded default)", () => {
  const cwd = mkdtempSync(join(tmpdir(), "platform-start-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("serves /health/ready and /metrics on the gateway, prints one URL, and stops cleanly on SIGTERM", async () => {
    const env = await baseEnv();
    const { proc, banner, gateway } = await startPlatform(env, cwd);
    try {
      expect(banner).toContain(`http://localhost:${env.GATEWAY_PORT}`);
      expect(banner).toContain("in-process (embedded default)");
      const ready = await fetch(`${gateway}/health/ready`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${gateway}/metrics`)).text();
      expect(metrics).toContain("# TYPE");
      // The web app is built on first start and served by the gateway.
      const page = await fetch(`${gateway}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"');
    } finally {
      expect(await stopPlatform(proc)).toBe(0);
    }
  }, 300_000);
});

const redisUrl = realServer("redis");
const rabbitmqUrl = realServer("rabbitmq");
describe.if(Boolean(redisUrl && rabbitmqUrl) || isCI)(
  "bun run start (real servers from the environment)",
  () => {
    const cwd = mkdtempSync(join(tmpdir(), "platform-start-real-"));
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));

    it("uses Redis and RabbitMQ when their URLs are set", async () => {
      const env = { ...(await baseEnv()), REDIS_URL: String(redisUrl), RABBITMQ_URL: String(rabbitmqUrl) };
      const { proc, banner, gateway } = await startPlatform(env, cwd);
      try {
        expect(banner).toContain("event bus: RabbitMQ");
        expect(banner).toContain("cache: Redis");
        expect((await fetch(`${gateway}/health/ready`)).status).toBe(200);
      } finally {
        expect(await stopPlatform(proc)).toBe(0);
      }
    }, 180_000);
  },
);
