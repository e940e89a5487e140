import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
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

const WRONG = "definitely not the password";

function login(t: TestApp, email: string, password: string, ip = "203.0.113.7"): Promise<Response> {
  return t.request("/login", { json: { email, password }, headers: { "x-forwarded-for": ip } });
}

describe(`login throttling (${adapters})`, () => {
  test("the 101st failed login for one account within an hour is refused; another account still signs in from the same address", async () => {
    // Production limits (100 per account per hour), with the per-run delay off so 100 failures fit in a test.
    const t = await buildApp(testDb, { limits: { accountFailuresPerHour: 100, freeFailures: 1000 } });
    const victim = await register(t);
    const bystander = await register(t);
    for (let i = 1; i <= 100; i++) {
      const res = await login(t, victim.user.email, WRONG);
      if (res.status !== 401) throw new Error(`attempt ${i}: expected 401, got ${res.status}`);
    }
    const refused = await login(t, victim.user.email, WRONG);
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ type: "rate_limited" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Refused before the password is looked at: the right password does not get through either…
    expect((await login(t, victim.user.email, GOOD_PASSWORD)).status).toBe(429);
    // …but the limit is the account's, not the address's.
    expect((await login(t, bystander.user.email, GOOD_PASSWORD)).status).toBe(200);
  }, 60_000);

  test("progressive delay per account and address: refused during the wait, other addresses unaffected", async () => {
    const t = await buildApp(testDb, { limits: { freeFailures: 2, baseSeconds: 30, maxSeconds: 600 } });
    const s = await register(t);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401); // third failure: wait 30 s from now
    const waiting = await login(t, s.user.email, GOOD_PASSWORD);
    expect(waiting.status).toBe(429);
    const retryAfter = Number(waiting.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // The owner on another network is not locked out by someone guessing elsewhere.
    expect((await login(t, s.user.email, GOOD_PASSWORD, "198.51.100.20")).status).toBe(200);
  });

  test("an unknown account is throttled exactly like a known one (no enumeration through the limiter)", async () => {
    const t = await buildApp(testDb, { limits: { freeFailures: 1, baseSeconds: 60 } });
    const known = await register(t);
    const ghost = uniqueEmail("ghost");
    const answers = [];
    for (const email of [known.user.email, ghost]) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await login(t, email, WRONG)).status);
      answers.push(statuses);
    }
    expect(answers[0]).toEqual([401, 401, 429]);
    expect(answers[1]).toEqual(answers[0]);
  });

  test("failures per address are limited too", async () => {
    const t = await buildApp(testDb, { limits: { ipFailuresPerHour: 10, freeFailures: 1000 } });
    const s = await register(t);
    for (let i = 0; i < 10; i++)
      expect((await login(t, uniqueEmail("spray"), WRONG, "192.0.2.99")).status).toBe(401);
    expect((await login(t, s.user.email, GOOD_PASSWORD, "192.0.2.99")).status).toBe(429);
    expect((await login(t, s.user.email, GOOD_PASSWORD, "192.0.2.100")).status).toBe(200);
  });

  test("a success ends the run of failures (the delay counter resets)", async () => {
    const t = await buildApp(testDb, { limits: { freeFailures: 2, baseSeconds: 60 } });
    const s = await register(t);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, GOOD_PASSWORD)).status).toBe(200);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, WRONG)).status).toBe(401);
    expect((await login(t, s.user.email, GOOD_PASSWORD)).status).toBe(200);
  });

  test("registrations per address are limited", async () => {
    const t = await buildApp(testDb, { limits: { registrationsPerIpHour: 2 } });
    const body = () => ({ email: uniqueEmail(), password: GOOD_PASSWORD, name: "Bot", role: "customer" });
    const headers = { "x-forwarded-for": "192.0.2.5" };
    expect((await t.request("/register", { json: body(), headers })).status).toBe(201);
    expect((await t.request("/register", { json: body(), headers })).status).toBe(201);
    const third = await t.request("/register", { json: body(), headers });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).not.toBeNull();
  });
});
