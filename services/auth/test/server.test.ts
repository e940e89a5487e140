import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createJwtVerifier } from "@payments/auth-verify";
import type { EventEnvelope } from "@payments/contracts";
import { AUTH_OPERATIONS } from "@payments/contracts/http";
import { createSharedInfra, type RunningService, type SharedInfra } from "@payments/platform";
import { createLogger, createShutdown, type Shutdown } from "@payments/service-kit";
import { createTestDatabase, freePort, type TestDatabase } from "@payments/testing";
import { authEnv } from "../src/config.ts";
import { startAuth } from "../src/server.ts";
import { adapters, GOOD_PASSWORD, ORIGIN, postgresUrl, redisUrl, uniqueEmail } from "./support.ts";

let shutdown: Shutdown;
let infra: SharedInfra;
let running: RunningService;
let fresh: TestDatabase | undefined;
const received: EventEnvelope[] = [];

beforeAll(async () => {
  const logger = createLogger({ service: "auth-test", level: "silent" });
  shutdown = createShutdown(logger, { exit: () => {} });
  // The bus stays in-process here: this suite checks auth's wiring, the bus has its own suites.
  infra = await createSharedInfra({ REDIS_URL: redisUrl }, logger, shutdown);
  await infra.bus.subscribe("auth-server-test", ["user.*", "session.*"], async (event) => {
    received.push(event);
  });
  fresh = postgresUrl ? await createTestDatabase(postgresUrl, "auth_server") : undefined;
  const config = authEnv.parse({
    AUTH_PORT: String(await freePort()),
    AUTH_DATABASE_URL: fresh?.url,
    AUTH_DATA_DIR: "memory://",
    LOG_LEVEL: "silent",
    // The registration count is per client address in the shared Redis, for an hour: benches and other
    // suites registering from 127.0.0.1 in that hour would otherwise turn this suite's one sign-up into 429.
    AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
  });
  running = await startAuth(infra, config);
}, 120_000);

afterAll(async () => {
  await shutdown.run("test done");
  await fresh?.drop();
});

async function eventually<T>(read: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(20);
  }
}

describe(`auth server (${adapters})`, () => {
  test("listens with health, metrics and its part of the contract's OpenAPI document", async () => {
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${running.url}/metrics`)).status).toBe(200);
    const doc = (await (await fetch(`${running.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    // Every auth operation, at its in-service path, under its own id (the JWKS included).
    const served = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(served.sort()).toEqual(
      AUTH_OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path} ${op.id}`).sort(),
    );
    expect(served).toContain("GET /.well-known/jwks.json auth.getJwks");
  });

  test("a token it issues verifies against its JWKS over HTTP, as other services will check it", async () => {
    const email = uniqueEmail("wire");
    const res = await fetch(`${running.url}/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email, password: GOOD_PASSWORD, name: "Wire", role: "vendor" }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { id: string }; access_token: string };
    const verifier = createJwtVerifier({
      jwksUrl: `${running.url}/.well-known/jwks.json`,
      issuer: "urn:payments:auth",
      audience: "urn:payments:api",
    });
    expect(await verifier.verify(body.access_token)).toMatchObject({ userId: body.user.id, role: "vendor" });

    // The outbox relay publishes the registration on the bus right after the commit.
    const event = await eventually(() =>
      received.find((e) => e.type === "user.registered" && e.subject === body.user.id),
    );
    expect(event.data).toMatchObject({ id: body.user.id, email, role: "vendor" });

    const logout = await fetch(`${running.url}/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(logout.status).toBe(204);
    const revoked = await eventually(() =>
      received.find((e) => e.type === "session.revoked" && e.subject === body.user.id),
    );
    expect(revoked.data).toMatchObject({ reason: "logout" });
  });
});
