import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  register,
  type SignedIn,
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

const login = async (user: SignedIn, password = GOOD_PASSWORD) =>
  t.request("/login", { json: { email: user.user.email, password }, headers: { "user-agent": "Phone/1.0" } });
const refresh = (cookie: string) =>
  t.request("/refresh", { method: "POST", cookie, headers: { origin: ORIGIN } });
const sidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).sid as string;

async function revocations(userId: string) {
  return (await t.events())
    .filter((e) => e.type === "session.revoked" && e.subject === userId)
    .map((e) => e.data as { user_id: string; session_ids: string[]; reason: string });
}

describe(`logout (${adapters})`, () => {
  test("ends this session: its access token stops working here at once, its refresh token is dead, the event names it", async () => {
    const s = await register(t);
    const other = await signedIn(await login(s));
    const res = await t.request("/logout", { method: "POST", token: s.access_token });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await t.request("/me", { token: s.access_token })).status).toBe(401);
    expect((await refresh(s.refresh)).status).toBe(401);
    // Another device of the same user is untouched.
    expect((await t.request("/me", { token: other.access_token })).status).toBe(200);
    expect(await revocations(s.user.id)).toEqual([
      { user_id: s.user.id, session_ids: [sidOf(s.access_token)], reason: "logout" },
    ]);
  });

  test("with an expired access token, the refresh cookie (and an allowed Origin) identifies the session", async () => {
    const s = await register(t);
    t.clock.advance(11 * 60_000);
    const foreign = await t.request("/logout", {
      method: "POST",
      cookie: s.refresh,
      headers: { origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const res = await t.request("/logout", {
      method: "POST",
      cookie: s.refresh,
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(204);
    expect((await refresh(s.refresh)).status).toBe(401);
    expect((await revocations(s.user.id)).map((r) => r.reason)).toEqual(["logout"]);
  });

  test("is idempotent: nothing to end is still 204", async () => {
    expect((await t.request("/logout", { method: "POST" })).status).toBe(204);
  });

  test("logout-all ends every session of the user", async () => {
    const s = await register(t);
    const phone = await signedIn(await login(s));
    const res = await t.request("/logout-all", { method: "POST", token: s.access_token });
    expect(res.status).toBe(204);
    for (const token of [s.access_token, phone.access_token]) {
      expect((await t.request("/me", { token })).status).toBe(401);
    }
    const [event] = await revocations(s.user.id);
    expect(event?.reason).toBe("logout_all");
    expect(event?.session_ids.sort()).toEqual([sidOf(s.access_token), sidOf(phone.access_token)].sort());
  });

  test("logout-all without a token → 401", async () => {
    const res = await t.request("/logout-all", { method: "POST" });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).type).toBe("authentication");
  });
});

describe(`sessions = devices (${adapters})`, () => {
  test("every sign-in (register, login) emits session.started naming the session and its absolute end", async () => {
    const s = await register(t);
    const phone = await signedIn(await login(s));
    const starts = (await t.events())
      .filter((e) => e.type === "session.started" && e.subject === s.user.id)
      .map((e) => e.data as { user_id: string; session_id: string; role: string; expires_at: string });
    expect(starts.map((d) => d.session_id)).toEqual([sidOf(s.access_token), sidOf(phone.access_token)]);
    for (const d of starts) {
      expect(d).toMatchObject({ user_id: s.user.id, role: s.user.role });
      expect(Date.parse(d.expires_at)).toBeGreaterThan(t.clock.now().getTime());
    }
    // A refresh rotates the token of the same session: no new session starts.
    expect((await refresh(phone.refresh)).status).toBe(200);
    const after = (await t.events()).filter((e) => e.type === "session.started" && e.subject === s.user.id);
    expect(after).toHaveLength(2);
  });

  test("session.started says whether the browser is new to the account (the first sign-in is not)", async () => {
    const s = await register(t);
    const from = (agent: string) =>
      t.request("/login", {
        json: { email: s.user.email, password: GOOD_PASSWORD },
        headers: { "user-agent": agent },
      });
    expect((await login(s)).status).toBe(200);
    expect((await login(s)).status).toBe(200);
    expect((await from("Laptop/2.0")).status).toBe(200);
    expect((await from("Laptop/2.0")).status).toBe(200);
    const starts = (await t.events())
      .filter((e) => e.type === "session.started" && e.subject === s.user.id)
      .map((e) => e.data as { new_device?: boolean; device?: string | null });
    // Registration (no other session yet), the phone (a browser the account has not used), again, laptop, again.
    expect(starts.map((d) => d.new_device)).toEqual([false, true, false, true, false]);
    expect(starts[3]?.device).toBe("Laptop/2.0");
  });

  test("lists my live sessions newest first, marks the current one, paginates", async () => {
    const s = await register(t);
    t.clock.advance(1);
    const phone = await signedIn(await login(s));
    const res = await t.request("/sessions", { token: s.access_token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { id: string; current: boolean; user_agent: string | null }[];
      has_more: boolean;
    };
    expect(body.has_more).toBe(false);
    expect(body.data.map((d) => d.id)).toEqual([sidOf(phone.access_token), sidOf(s.access_token)]);
    expect(body.data.map((d) => d.current)).toEqual([false, true]);
    expect(body.data[0]?.user_agent).toBe("Phone/1.0");

    const first = (await (
      await t.request("/sessions?limit=1", { token: s.access_token })
    ).json()) as typeof body;
    expect(first.has_more).toBe(true);
    const next = (await (
      await t.request(`/sessions?limit=1&starting_after=${first.data[0]?.id}`, { token: s.access_token })
    ).json()) as typeof body;
    expect(next.data.map((d) => d.id)).toEqual([sidOf(s.access_token)]);
    expect(next.has_more).toBe(false);
  });

  test("revoke one: that device's tokens stop working; someone else's session is 404", async () => {
    const s = await register(t);
    const phone = await signedIn(await login(s));
    const stranger = await register(t);
    const theirs = await t.request(`/sessions/${sidOf(stranger.access_token)}`, {
      method: "DELETE",
      token: s.access_token,
    });
    expect(theirs.status).toBe(404);
    expect((await t.request("/me", { token: stranger.access_token })).status).toBe(200);

    const res = await t.request(`/sessions/${sidOf(phone.access_token)}`, {
      method: "DELETE",
      token: s.access_token,
    });
    expect(res.status).toBe(204);
    expect((await t.request("/me", { token: phone.access_token })).status).toBe(401);
    expect((await refresh(phone.refresh)).status).toBe(401);
    expect((await t.request("/me", { token: s.access_token })).status).toBe(200);
    expect((await revocations(s.user.id)).map((r) => r.reason)).toEqual(["revoked_by_user"]);
    // Already ended → 404, and a malformed id too (it names no session, as an unknown one).
    expect(
      (await t.request(`/sessions/${sidOf(phone.access_token)}`, { method: "DELETE", token: s.access_token }))
        .status,
    ).toBe(404);
    const malformed = await t.request("/sessions/42", { method: "DELETE", token: s.access_token });
    expect(malformed.status).toBe(404);
    expect(await errorOf(malformed)).toMatchObject({ code: "session_not_found" });
  });

  test("revoke all others keeps the current session", async () => {
    const s = await register(t);
    const a = await signedIn(await login(s));
    const b = await signedIn(await login(s));
    expect((await t.request("/sessions", { method: "DELETE", token: s.access_token })).status).toBe(400);
    const res = await t.request("/sessions?others=true", { method: "DELETE", token: s.access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 2 });
    expect((await t.request("/me", { token: s.access_token })).status).toBe(200);
    for (const other of [a, b])
      expect((await t.request("/me", { token: other.access_token })).status).toBe(401);
  });
});

describe(`change password (${adapters})`, () => {
  const NEW_PASSWORD = "an entirely new passphrase 2024";

  test("needs the current password, ends the other sessions, keeps this one; the old password stops working", async () => {
    const s = await register(t);
    const phone = await signedIn(await login(s));
    const wrong = await t.request("/password", {
      token: s.access_token,
      json: { current_password: "not it at all", new_password: NEW_PASSWORD },
    });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({
      code: "invalid_current_password",
      param: "current_password",
    });

    const weak = await t.request("/password", {
      token: s.access_token,
      json: { current_password: GOOD_PASSWORD, new_password: "password1" },
    });
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toMatchObject({ code: "password_common", param: "new_password" });

    const res = await t.request("/password", {
      token: s.access_token,
      json: { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(res.status).toBe(204);
    expect((await t.request("/me", { token: s.access_token })).status).toBe(200);
    expect((await t.request("/me", { token: phone.access_token })).status).toBe(401);
    expect((await login(s)).status).toBe(401);
    expect((await login(s, NEW_PASSWORD)).status).toBe(200);
    expect(await revocations(s.user.id)).toEqual([
      { user_id: s.user.id, session_ids: [sidOf(phone.access_token)], reason: "password_changed" },
    ]);
    // The security notice's event (docs/adr/0028): the notification centre mails it.
    const updates = (await t.events()).filter((e) => e.type === "user.updated" && e.subject === s.user.id);
    expect(updates.map((e) => (e.data as { changed: string[] }).changed)).toEqual([["password"]]);
  });

  test("unknown fields → 400, no token → 401", async () => {
    const s = await register(t);
    const extra = await t.request("/password", {
      token: s.access_token,
      json: { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD, user_id: "usr_x" },
    });
    expect(extra.status).toBe(400);
    expect(
      (await t.request("/password", { json: { current_password: "a", new_password: "b" } })).status,
    ).toBe(401);
  });
});
