import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
  openTestDb,
  register,
  type SignedIn,
  type TestApp,
  type TestDb,
} from "./support.ts";

// ADR 0015: 415, 405 + Allow and the unknown-query policy, as the kit applies them to this service's routes.
let testDb: TestDb;
let t: TestApp;
let user: SignedIn;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  user = await register(t);
}, 120_000);
afterAll(() => testDb.close());

describe(`uniform HTTP semantics (${adapters})`, () => {
  test("POST /login with a text/plain or untyped body → 415, not a 400 about missing fields", async () => {
    const body = JSON.stringify({ email: user.user.email, password: GOOD_PASSWORD });
    const untyped: Record<string, string> = {};
    for (const headers of [{ "content-type": "text/plain;charset=UTF-8" }, untyped]) {
      const res = await t.request("/login", {
        method: "POST",
        headers,
        body: new TextEncoder().encode(body),
      });
      expect(res.status).toBe(415);
      expect(await errorOf(res)).toMatchObject({ type: "invalid_request", code: "unsupported_media_type" });
    }
    const ok = await t.request("/login", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
    });
    expect(ok.status).toBe(200);
  });

  test("a wrong method on a known path → 405 with Allow, and no path in any message", async () => {
    const me = await t.request("/me", { method: "PUT", token: user.access_token });
    expect(me.status).toBe(405);
    expect(me.headers.get("allow")).toBe("GET, HEAD");
    const error = await errorOf(me);
    expect(error.code).toBe("method_not_allowed");
    expect(error.message).not.toContain("/me");
    const login = await t.request("/login");
    expect(login.status).toBe(405);
    expect(login.headers.get("allow")).toBe("POST");
    const unknown = await t.request("/no-such-thing", { method: "PUT" });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).not.toContain("no-such-thing");
  });

  test("unknown query parameters → 400 unknown_parameter naming them, with or without a query schema", async () => {
    const listed = await t.request("/sessions?limit=5&limt=5", { token: user.access_token });
    expect(listed.status).toBe(400);
    expect(await errorOf(listed)).toMatchObject({ code: "unknown_parameter", param: "limt" });
    expect((await t.request("/sessions?limit=5", { token: user.access_token })).status).toBe(200);
    const me = await t.request("/me?_=1", { token: user.access_token });
    expect(me.status).toBe(400);
    expect(await errorOf(me)).toMatchObject({
      type: "invalid_request",
      code: "unknown_parameter",
      param: "_",
    });
  });
});
