import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestIssuer, type TestIssuer } from "@payments/auth-verify/testing";
import { createSharedInfra, type RunningService, type SharedInfra } from "@payments/platform";
import { createLogger, createShutdown, type Shutdown } from "@payments/service-kit";
import { createTestDatabase, freePort, type TestDatabase } from "@payments/testing";
import { adminEnv } from "../src/config.ts";
import { DEFAULT_SYSTEM_CONFIG } from "../src/domain/system-config.ts";
import { startAdmin } from "../src/server.ts";
import { adapters, makeEvent, postgresUrl, redisUrl, traceparent } from "./support.ts";

let shutdown: Shutdown;
let infra: SharedInfra;
let running: RunningService;
let fresh: TestDatabase | undefined;
let issuer: TestIssuer;
let jwks: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  const logger = createLogger({ service: "admin-test", level: "silent" });
  shutdown = createShutdown(logger, { exit: () => {} });
  // In-process bus: this suite checks admin's wiring; the consumer suite covers RabbitMQ.
  infra = await createSharedInfra({ REDIS_URL: redisUrl }, logger, shutdown);
  issuer = await createTestIssuer();
  // Stands in for auth's JWKS endpoint, as the deployed service fetches it.
  jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json(issuer.jwks) });
  fresh = postgresUrl ? await createTestDatabase(postgresUrl, "admin_server") : undefined;
  const config = adminEnv.parse({
    ADMIN_PORT: String(await freePort()),
    ADMIN_DATABASE_URL: fresh?.url,
    ADMIN_DATA_DIR: "memory://",
    AUTH_JWKS_URL: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
    LOG_LEVEL: "silent",
  });
  running = await startAdmin(infra, config);
}, 120_000);

afterAll(async () => {
  await shutdown.run("test done");
  jwks.stop(true);
  await fresh?.drop();
});

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(25);
  }
}

type Entry = { type: string; subject: string; trace_id: string | null; actor_id: string | null };

describe(`admin server (${adapters})`, () => {
  test("listens with health, metrics and OpenAPI listing every route", async () => {
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${running.url}/metrics`)).status).toBe(200);
    const doc = (await (await fetch(`${running.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      "/dashboard",
      "/audit-logs",
      "/audit-logs.csv",
      "/config",
      "/config/history",
      "/config/public",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  test("consumes the platform's events from the shared bus and serves them over HTTP", async () => {
    const event = makeEvent("user.registered", {}, { traceparent: traceparent() });
    await infra.bus.publish(event);
    const token = await issuer.sign({ role: "admin" });
    const entry = await eventually(async () => {
      const res = await fetch(`${running.url}/audit-logs?subject=${event.subject}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { data: Entry[] }).data[0];
    });
    expect(entry.type).toBe("user.registered");
  });

  test("a config change is published by the relay and audited with the request's trace id", async () => {
    const adminId = "usr_01jz0000000000000000000000";
    const token = await issuer.sign({ role: "admin", userId: adminId });
    const trace = traceparent();
    const res = await fetch(`${running.url}/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", traceparent: trace },
      body: JSON.stringify({ settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["usd", "eur"] } }),
    });
    expect(res.status).toBe(200);
    const entry = await eventually(async () => {
      const list = await fetch(`${running.url}/audit-logs?type=config.updated`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await list.json()) as { data: Entry[] }).data[0];
    });
    expect(entry).toMatchObject({
      subject: "system_config",
      actor_id: adminId,
      trace_id: trace.split("-")[1],
    });
  });
});
