import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  ORIGIN,
  openTestDb,
  refreshCookie,
  register,
  signedIn,
  type TestApp,
  type TestDb,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
}, 120_000);
afterAll(() => testDb.close());

function refresh(
  app: TestApp,
  cookie: string | undefined,
  origin: string | null = ORIGIN,
): Promise<Response> {
  return app.request("/refresh", {
    method: "POST",
    ...(cookie ? { cookie } : {}),
    headers: origin ? { origin } : {},
  });
}

async function revokedEventsFor(app: TestApp, userId: string) {
  return (await app.events()).filter((e) => e.type === "session.revoked" && e.subject === userId);
}

describe(`refresh (${adapters})`, () => {
  test("rotates: new access token and new cookie; the new token works, the session keeps its id", async () => {
    const s = await register(t);
    t.clock.advance(60_000);
    const res = await refresh(t, s.refresh);
    expect(res.status).toBe(200);
    const next = await signedIn(res);
    expect(next.refresh).not.toBe(s.refresh);
    expect(next.user).toEqual(s.user);
    expect(next.access_token).not.toBe(s.access_token);
    expect(next.setCookie).toContain("SameSite=Strict");
    const sid = (token: string) =>
      JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).sid;
    expect(sid(next.access_token)).toBe(sid(s.access_token));
    expect((await refresh(t, next.refresh)).status).toBe(200);
  });

  test("without a cookie → 401; with an unknown token → 401 and the cookie is cleared", async () => {
    expect((await refresh(t, undefined)).status).toBe(401);
    const res = await refresh(t, "A".repeat(43));
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ type: "authentication", code: "invalid_refresh_token" });
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  test("checks Origin: missing or foreign → 403, and the token is not consumed", async () => {
    const s = await register(t);
    expect((await refresh(t, s.refresh, null)).status).toBe(403);
    const foreign = await refresh(t, s.refresh, "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(await errorOf(foreign)).toMatchObject({ type: "permission", code: "origin_not_allowed" });
    expect((await refresh(t, s.refresh, "https://localhost:8443")).status).toBe(200);
  });

  test("reuse of a rotated token after the grace window revokes the whole family and emits session.revoked", async () => {
    const s = await register(t);
    const rotated = await signedIn(await refresh(t, s.refresh));
    t.clock.advance(t.settings.session.graceMs + 1_000);
    const reuse = await refresh(t, s.refresh);
    expect(reuse.status).toBe(401);
    // The family is gone: the legitimate successor and the session's access token die with it.
    expect((await refresh(t, rotated.refresh)).status).toBe(401);
    expect((await t.request("/me", { token: rotated.access_token })).status).toBe(401);
    const events = await revokedEventsFor(t, s.user.id);
    expect(events.map((e) => e.data)).toEqual([
      { user_id: s.user.id, session_ids: [expect.stringMatching(/^ses_/)], reason: "refresh_token_reuse" },
    ]);
  });

  test("a token two rotations old is reuse even inside the grace window", async () => {
    const s = await register(t);
    const r1 = await signedIn(await refresh(t, s.refresh));
    await signedIn(await refresh(t, r1.refresh));
    expect((await refresh(t, s.refresh)).status).toBe(401);
    expect((await revokedEventsFor(t, s.user.id)).map((e) => (e.data as { reason: string }).reason)).toEqual([
      "refresh_token_reuse",
    ]);
  });

  test("two concurrent refreshes with one token: exactly one succeeds, the other gets 409, the family survives", async () => {
    const s = await register(t);
    const results = await Promise.all([refresh(t, s.refresh), refresh(t, s.refresh)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200);
    const loser = results.find((r) => r.status === 409);
    if (!winner || !loser) throw new Error("unreachable");
    expect(await errorOf(loser)).toMatchObject({ type: "conflict", code: "refresh_conflict" });
    expect(loser.headers.get("set-cookie")).toBeNull();
    const cookie = refreshCookie(winner);
    // The family survives: the winner's cookie (which the browser now holds for both tabs) keeps working.
    expect((await refresh(t, cookie)).status).toBe(200);
    expect(await revokedEventsFor(t, s.user.id)).toHaveLength(0);
  });

  test("with the grace window disabled, the loser's request counts as reuse and the family is revoked", async () => {
    const strict = await buildApp(testDb, { settings: { session: { ...t.settings.session, graceMs: 0 } } });
    const s = await register(strict);
    const results = await Promise.all([refresh(strict, s.refresh), refresh(strict, s.refresh)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.status === 200);
    expect((await refresh(strict, winner ? refreshCookie(winner) : undefined)).status).toBe(401);
  });

  test("idle timeout: no refresh for 30 minutes ends the session", async () => {
    const s = await register(t);
    t.clock.advance(t.settings.session.idleMs + 1);
    expect((await refresh(t, s.refresh)).status).toBe(401);
  });

  test("absolute lifetime: refreshing every 20 minutes still ends after 12 hours", async () => {
    const s = await register(t);
    let cookie = s.refresh;
    const step = 20 * 60_000;
    for (let elapsed = step; elapsed < t.settings.session.absoluteMs; elapsed += step) {
      t.clock.advance(step);
      const res = await refresh(t, cookie);
      expect(res.status).toBe(200);
      cookie = refreshCookie(res) ?? "";
    }
    t.clock.advance(step);
    expect((await refresh(t, cookie)).status).toBe(401);
  });
});
