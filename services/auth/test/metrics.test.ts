import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseExposition } from "@payments/service-kit/testing";
import { generate } from "otplib";
import { LOGIN_OUTCOMES } from "../src/metrics.ts";
import {
  adapters,
  buildApp,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  register,
  type TestApp,
  type TestDb,
  uniqueEmail,
} from "./support.ts";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await openTestDb();
}, 120_000);
afterAll(() => testDb.close());

/** The values of `name`'s samples by their `outcome` label (or "" without one). */
async function samples(t: TestApp, name: string): Promise<Record<string, number>> {
  const res = await t.request("/metrics");
  expect(res.status).toBe(200);
  const family = parseExposition(await res.text()).find((f) => f.name === name);
  expect(family?.type).toBe("counter");
  return Object.fromEntries((family?.samples ?? []).map((s) => [s.labels.outcome ?? "", s.value]));
}

const login = (t: TestApp, email: string, password: string) =>
  t.request("/login", { method: "POST", headers: { origin: ORIGIN }, json: { email, password } });

describe(`auth metrics (${adapters})`, () => {
  test("auth_logins_total counts sign-ins by outcome; every outcome is exported from the start", async () => {
    const t = await buildApp(testDb, { limits: { freeFailures: 2, baseSeconds: 60 } });
    const before = await samples(t, "auth_logins_total");
    expect(Object.keys(before).sort()).toEqual([...LOGIN_OUTCOMES].sort());
    for (const value of Object.values(before)) expect(value).toBe(0);

    const email = uniqueEmail("metrics");
    await register(t, { email });
    expect((await login(t, email, GOOD_PASSWORD)).status).toBe(200);
    expect((await login(t, email, "wrong password one")).status).toBe(401);
    expect((await login(t, uniqueEmail("nobody"), "wrong password two")).status).toBe(401);
    // Past the free failures of this account the throttle refuses before any check.
    let refused = 0;
    for (let i = 0; i < 4 && refused === 0; i++) {
      if ((await login(t, email, "wrong password again")).status === 429) refused++;
    }
    expect(refused).toBe(1);

    const after = await samples(t, "auth_logins_total");
    expect(after.success).toBe(1);
    expect(after.rate_limited).toBe(1);
    expect(after.invalid_credentials).toBeGreaterThanOrEqual(2);
    expect(after.error).toBe(0);
  });

  test("a two-factor sign-in counts mfa_required for its password step, then its second step's outcome", async () => {
    const t = await buildApp(testDb);
    const user = await register(t, { role: "vendor" });
    const post = (path: string, json: unknown, token?: string) =>
      t.request(path, { method: "POST", headers: { origin: ORIGIN }, json, ...(token ? { token } : {}) });
    const setup = await post("/2fa/setup", undefined, user.access_token);
    const { secret } = (await setup.json()) as { secret: string };
    const code = () => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    expect((await post("/2fa/enable", { code: await code() }, user.access_token)).status).toBe(200);
    t.clock.advance(30_000);

    const first = await post("/login", { email: user.user.email, password: GOOD_PASSWORD });
    expect(first.status).toBe(202);
    const { challenge } = (await first.json()) as { challenge: string };
    expect((await post("/login/2fa", { challenge, code: "000000" })).status).toBe(401);
    expect((await post("/login/2fa", { challenge, code: await code() })).status).toBe(200);
    const counted = await samples(t, "auth_logins_total");
    expect(counted).toMatchObject({ mfa_required: 1, invalid_mfa_code: 1, success: 1 });
  });

  test("auth_registrations_total counts accounts created, not refusals", async () => {
    const t = await buildApp(testDb);
    const email = uniqueEmail("registered");
    await register(t, { email });
    await register(t, { role: "vendor" });
    const taken = await t.request("/register", {
      json: { email, password: GOOD_PASSWORD, name: "Again", role: "customer" },
    });
    expect(taken.status).toBe(409);
    expect((await samples(t, "auth_registrations_total"))[""]).toBe(2);
  });
});
