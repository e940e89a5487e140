import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestIssuer, type TestIssuer } from "@payments/auth-verify/testing";
import type { EventEnvelope } from "@payments/contracts";
import { createSharedInfra, type RunningService, type SharedInfra } from "@payments/platform";
import { createLogger, createShutdown, type Shutdown } from "@payments/service-kit";
import { createTestDatabase, freePort, type TestDatabase } from "@payments/testing";
import { profileEnv } from "../src/config.ts";
import { startProfile } from "../src/server.ts";
import { accountEvent, adapters, postgresUrl, redisUrl, userSnapshot } from "./support.ts";

let shutdown: Shutdown;
let infra: SharedInfra;
let running: RunningService;
let fresh: TestDatabase | undefined;
let issuer: TestIssuer;
let jwks: ReturnType<typeof Bun.serve>;
const published: EventEnvelope[] = [];

beforeAll(async () => {
  const logger = createLogger({ service: "profile-test", level: "silent" });
  shutdown = createShutdown(logger, { exit: () => {} });
  infra = await createSharedInfra({ REDIS_URL: redisUrl }, logger, shutdown);
  await infra.bus.subscribe("profile-server-test", ["profile.*"], async (e) => {
    published.push(e);
  });
  issuer = await createTestIssuer();
  // Stands in for auth's JWKS endpoint, as the deployed service fetches it.
  jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json(issuer.jwks) });
  fresh = postgresUrl ? await createTestDatabase(postgresUrl, "profile_server") : undefined;
  const config = profileEnv.parse({
    PROFILE_PORT: String(await freePort()),
    PROFILE_DATABASE_URL: fresh?.url,
    PROFILE_DATA_DIR: "memory://",
    AUTH_JWKS_URL: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
    LOG_LEVEL: "silent",
  });
  running = await startProfile(infra, config);
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

describe(`profile server (${adapters})`, () => {
  test("listens with health, metrics and OpenAPI listing its routes", async () => {
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${running.url}/metrics`)).status).toBe(200);
    const doc = (await (await fetch(`${running.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/me",
      "/me/preferences",
      "/notifications",
      "/notifications/read-all",
      "/notifications/unread-count",
      "/notifications/{id}/read",
    ]);
  });

  test("a registration on the shared bus becomes a profile; the owner's change is published", async () => {
    const user = userSnapshot(undefined, "Katherine Johnson");
    await infra.bus.publish(accountEvent("user.registered", user));
    const headers = { authorization: `Bearer ${await issuer.sign({ role: "vendor", userId: user.id })}` };
    const profile = await eventually(async () => {
      const body = (await (await fetch(`${running.url}/me`, { headers })).json()) as { registered: boolean };
      return body.registered ? body : undefined;
    });
    expect(profile).toMatchObject({ display_name: "Katherine Johnson" });
    const res = await fetch(`${running.url}/me`, {
      method: "PATCH",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ display_name: "KJ" }),
    });
    expect(res.status).toBe(200);
    const event = await eventually(async () => published.find((e) => e.subject === user.id));
    expect(event).toMatchObject({
      type: "profile.updated",
      data: { user_id: user.id, fields: ["display_name"] },
    });
  });
});
