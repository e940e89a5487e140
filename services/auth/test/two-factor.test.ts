import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { generate } from "otplib";
import { twoFactor } from "../src/db/two-factor-schema.ts";
import { DEFAULT_TWO_FACTOR } from "../src/settings.ts";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  refreshCookie,
  register,
  type SignedIn,
  signedIn,
  type TestApp,
  type TestDb,
} from "./support.ts";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await openTestDb();
}, 120_000);
afterAll(() => testDb.close());

/** The code an authenticator app shows for `secret` at the app's clock (otplib, as the apps compute it). */
const codeAt = (t: TestApp, secret: string) =>
  generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });

/** The claims of an access token (the tests only read them). */
function claims(token: string): { amr?: string[]; sid: string } {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
}

const post = (t: TestApp, path: string, json: unknown, token?: string) =>
  t.request(path, { method: "POST", headers: { origin: ORIGIN }, json, ...(token ? { token } : {}) });

/** Registers a user and enables two-factor; returns the user, the secret and the recovery codes. */
async function enrolled(t: TestApp): Promise<{ user: SignedIn; secret: string; codes: string[] }> {
  const user = await register(t, { role: "vendor" });
  const setup = await post(t, "/2fa/setup", undefined, user.access_token);
  expect(setup.status).toBe(200);
  const { secret } = (await setup.json()) as { secret: string };
  const enabled = await post(t, "/2fa/enable", { code: await codeAt(t, secret) }, user.access_token);
  expect(enabled.status).toBe(200);
  const { recovery_codes } = (await enabled.json()) as { recovery_codes: string[] };
  // The next code must belong to a later time step: the enrolment's code is spent.
  t.clock.advance(30_000);
  return { user, secret, codes: recovery_codes };
}

/** Signs in with the password; expects the 202 challenge. */
async function challenge(t: TestApp, email: string): Promise<string> {
  const res = await post(t, "/login", { email, password: GOOD_PASSWORD });
  expect(res.status).toBe(202);
  expect(refreshCookie(res)).toBeUndefined();
  const body = (await res.json()) as { mfa_required: boolean; challenge: string; expires_in: number };
  expect(body.mfa_required).toBe(true);
  expect(body.expires_in).toBe(DEFAULT_TWO_FACTOR.ttlSeconds);
  return body.challenge;
}

describe(`two-factor sign-in (${adapters})`, () => {
  test("enrol: setup gives a secret, URI and QR code; a wrong code is refused; the right one enables it", async () => {
    const t = await buildApp(testDb);
    const user = await register(t);
    const before = await t.request("/2fa", { token: user.access_token });
    expect(await before.json()).toEqual({ enabled: false, enabled_at: null, recovery_codes_remaining: 0 });

    const setup = await post(t, "/2fa/setup", undefined, user.access_token);
    const body = (await setup.json()) as { secret: string; otpauth_uri: string; qr_code: string };
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauth_uri).toBe(
      `otpauth://totp/Payments:${encodeURIComponent(user.user.email)}?secret=${body.secret}&issuer=Payments`,
    );
    expect(body.qr_code.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const svg = Buffer.from(body.qr_code.split(",")[1] ?? "", "base64").toString();
    expect(svg.startsWith("<svg")).toBe(true);

    // At rest the secret is sealed (AES-GCM), never the base32 text.
    const [row] = await testDb.db.select().from(twoFactor).where(eq(twoFactor.userId, user.user.id));
    expect(row?.secret.startsWith("v1.")).toBe(true);
    expect(row?.secret).not.toContain(body.secret);

    const wrongCode = (await codeAt(t, body.secret)) === "000000" ? "000001" : "000000";
    const wrong = await post(t, "/2fa/enable", { code: wrongCode }, user.access_token);
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({ code: "invalid_mfa_code", param: "code" });

    const ok = await post(t, "/2fa/enable", { code: await codeAt(t, body.secret) }, user.access_token);
    expect(ok.status).toBe(200);
    const { recovery_codes } = (await ok.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);
    expect(new Set(recovery_codes).size).toBe(10);
    for (const code of recovery_codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);

    const after = (await (await t.request("/2fa", { token: user.access_token })).json()) as {
      enabled: boolean;
      recovery_codes_remaining: number;
    };
    expect(after).toMatchObject({ enabled: true, recovery_codes_remaining: 10 });
    const again = await post(t, "/2fa/setup", undefined, user.access_token);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("mfa_already_enabled");

    // Enrolment proved the factor: this session's next token says so.
    const refreshed = await signedIn(
      await t.request("/refresh", { method: "POST", headers: { origin: ORIGIN }, cookie: user.refresh }),
    );
    expect(claims(refreshed.access_token).amr).toEqual(["pwd", "mfa"]);
    expect(claims(user.access_token).amr).toEqual(["pwd"]);

    const events = (await t.events()).filter((e) => e.subject === user.user.id);
    expect(events.find((e) => e.type === "user.two_factor_changed")?.data).toEqual({
      user_id: user.user.id,
      email: user.user.email,
      change: "enabled",
      enabled: true,
      recovery_codes_remaining: 10,
    });
  });

  test("login asks for the code; the code signs in once, a replay of it is refused", async () => {
    const t = await buildApp(testDb);
    const { user, secret } = await enrolled(t);
    const code = await codeAt(t, secret);

    const first = await post(t, "/login/2fa", { challenge: await challenge(t, user.user.email), code });
    const session = await signedIn(first);
    expect(session.user.id).toBe(user.user.id);
    expect(claims(session.access_token).amr).toEqual(["pwd", "mfa"]);

    // The same code again, on a fresh challenge within its 30 seconds: already used.
    const replay = await post(t, "/login/2fa", { challenge: await challenge(t, user.user.email), code });
    expect(replay.status).toBe(401);
    expect(await errorOf(replay)).toMatchObject({ code: "invalid_mfa_code", param: "code" });

    // The next step's code works.
    t.clock.advance(30_000);
    const next = await post(t, "/login/2fa", {
      challenge: await challenge(t, user.user.email),
      code: await codeAt(t, secret),
    });
    expect(next.status).toBe(200);
  });

  test("a challenge is single use and expires", async () => {
    const t = await buildApp(testDb);
    const { user, secret } = await enrolled(t);
    const used = await challenge(t, user.user.email);
    expect((await post(t, "/login/2fa", { challenge: used, code: await codeAt(t, secret) })).status).toBe(
      200,
    );
    t.clock.advance(30_000);
    const again = await post(t, "/login/2fa", { challenge: used, code: await codeAt(t, secret) });
    expect(again.status).toBe(401);
    expect((await errorOf(again)).code).toBe("invalid_mfa_challenge");

    const stale = await challenge(t, user.user.email);
    t.clock.advance((DEFAULT_TWO_FACTOR.ttlSeconds + 1) * 1000);
    const late = await post(t, "/login/2fa", { challenge: stale, code: await codeAt(t, secret) });
    expect(late.status).toBe(401);
    expect((await errorOf(late)).code).toBe("invalid_mfa_challenge");
  });

  test("a recovery code signs in once, in any case and grouping, and is announced", async () => {
    const t = await buildApp(testDb);
    const { user, codes } = await enrolled(t);
    const [code] = codes;
    if (!code) throw new Error("no recovery code");
    const typed = code.toUpperCase().replaceAll("-", " ");
    const res = await post(t, "/login/2fa", {
      challenge: await challenge(t, user.user.email),
      recovery_code: typed,
    });
    expect(claims((await signedIn(res)).access_token).amr).toEqual(["pwd", "mfa"]);

    const reuse = await post(t, "/login/2fa", {
      challenge: await challenge(t, user.user.email),
      recovery_code: code,
    });
    expect(reuse.status).toBe(401);
    expect(await errorOf(reuse)).toMatchObject({ code: "invalid_mfa_code", param: "recovery_code" });

    const status = (await (await t.request("/2fa", { token: user.access_token })).json()) as {
      recovery_codes_remaining: number;
    };
    expect(status.recovery_codes_remaining).toBe(9);
    const used = (await t.events()).filter(
      (e) =>
        e.type === "user.two_factor_changed" &&
        e.subject === user.user.id &&
        (e.data as { change: string }).change === "recovery_code_used",
    );
    expect(used.map((e) => e.data)).toEqual([
      {
        user_id: user.user.id,
        email: user.user.email,
        change: "recovery_code_used",
        enabled: true,
        recovery_codes_remaining: 9,
      },
    ]);
  });

  test("disabling needs a current code (or a recovery code); afterwards the password alone signs in", async () => {
    const t = await buildApp(testDb);
    const { user, secret } = await enrolled(t);
    const token = user.access_token;
    const current = await codeAt(t, secret);
    const wrong = await post(t, "/2fa/disable", { code: current === "123456" ? "654321" : "123456" }, token);
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong)).code).toBe("invalid_mfa_code");
    expect((await post(t, "/2fa/disable", {}, token)).status).toBe(400);
    expect(
      (await post(t, "/2fa/disable", { code: current, recovery_code: "abcd-efgh-jkmn" }, token)).status,
    ).toBe(400);
    expect((await post(t, "/2fa/disable", { code: current }, token)).status).toBe(204);
    expect((await post(t, "/2fa/disable", { code: current }, token)).status).toBe(409);

    const login = await post(t, "/login", { email: user.user.email, password: GOOD_PASSWORD });
    expect(claims((await signedIn(login)).access_token).amr).toEqual(["pwd"]);
    const disabled = (await t.events()).filter(
      (e) => e.type === "user.two_factor_changed" && e.subject === user.user.id,
    );
    expect(disabled.map((e) => (e.data as { change: string }).change)).toEqual(["enabled", "disabled"]);
  });

  test("new recovery codes replace the old ones and need a current code", async () => {
    const t = await buildApp(testDb);
    const { user, secret, codes } = await enrolled(t);
    const res = await post(t, "/2fa/recovery-codes", { code: await codeAt(t, secret) }, user.access_token);
    expect(res.status).toBe(200);
    const fresh = ((await res.json()) as { recovery_codes: string[] }).recovery_codes;
    expect(fresh.some((c) => codes.includes(c))).toBe(false);
    const old = await post(t, "/login/2fa", {
      challenge: await challenge(t, user.user.email),
      recovery_code: codes[0],
    });
    expect(old.status).toBe(401);
    const now = await post(t, "/login/2fa", {
      challenge: await challenge(t, user.user.email),
      recovery_code: fresh[0],
    });
    expect(now.status).toBe(200);
  });

  test("rate limits: five tries per challenge, then the account's hourly limit (429)", async () => {
    const t = await buildApp(testDb, {
      settings: { twoFactor: { ...DEFAULT_TWO_FACTOR, failuresPerAccountHour: 7 } },
    });
    const { user, secret } = await enrolled(t);
    const good = await codeAt(t, secret);
    const bad = good === "111111" ? "222222" : "111111";
    const first = await challenge(t, user.user.email);
    for (let i = 0; i < 5; i++) {
      const res = await post(t, "/login/2fa", { challenge: first, code: bad });
      expect((await errorOf(res)).code).toBe("invalid_mfa_code");
    }
    // Out of attempts: even the right code cannot use this challenge.
    const exhausted = await post(t, "/login/2fa", { challenge: first, code: good });
    expect((await errorOf(exhausted)).code).toBe("invalid_mfa_challenge");

    const second = await challenge(t, user.user.email);
    for (let i = 0; i < 2; i++)
      expect((await post(t, "/login/2fa", { challenge: second, code: bad })).status).toBe(401);
    // Seven wrong codes this hour: the account waits, whichever challenge or page asks.
    const limited = await post(t, "/login/2fa", { challenge: second, code: good });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const page = await post(t, "/2fa/disable", { code: good }, user.access_token);
    expect(page.status).toBe(429);
  });

  test("an unknown challenge is 401, a foreign origin 403", async () => {
    const t = await buildApp(testDb);
    const { user } = await enrolled(t);
    const res = await post(t, "/login/2fa", { challenge: "x".repeat(43), code: "123456" });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("invalid_mfa_challenge");
    const origin = await t.request("/login/2fa", {
      method: "POST",
      headers: { origin: "https://evil.example" },
      json: { challenge: await challenge(t, user.user.email), code: "123456" },
    });
    expect(origin.status).toBe(403);
  });
});
