import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  accountEvent,
  adapters,
  buildProfile,
  errorOf,
  openTestDb,
  type TestDb,
  type TestProfile,
  userSnapshot,
} from "./support.ts";

// ADR 0015: 415, 405 + Allow and the unknown-query policy, as the kit applies them to this service's routes.
let testDb: TestDb;
let t: TestProfile;
let token: string;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildProfile(testDb);
  const user = userSnapshot();
  await t.deliver(accountEvent("user.registered", user));
  token = await t.token(user.id);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

describe(`uniform HTTP semantics (${adapters})`, () => {
  test("PATCH /me/preferences with a text/plain body → 415; as JSON it saves", async () => {
    const body = JSON.stringify({ theme: "dark" });
    const text = await t.request("/me/preferences", {
      method: "PATCH",
      token,
      headers: { "content-type": "text/plain" },
      body,
    });
    expect(text.status).toBe(415);
    expect(await errorOf(text)).toMatchObject({ type: "invalid_request", code: "unsupported_media_type" });
    const json = await t.request("/me/preferences", { method: "PATCH", token, json: { theme: "dark" } });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ theme: "dark" });
  });

  test("PUT /me → 405 with Allow (not a 404 naming the internal path)", async () => {
    for (const path of ["/me", "/me/preferences"]) {
      const res = await t.request(path, { method: "PUT", token, json: {} });
      expect(res.status, path).toBe(405);
      expect(res.headers.get("allow"), path).toBe("GET, HEAD, PATCH");
      const error = await errorOf(res);
      expect(error.code).toBe("method_not_allowed");
      expect(JSON.stringify(error)).not.toContain("/me");
    }
  });

  test("unknown query parameters → 400 unknown_parameter naming them", async () => {
    const res = await t.request("/me?fields=bio", { token });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      type: "invalid_request",
      code: "unknown_parameter",
      param: "fields",
    });
    expect((await t.request("/me", { token })).status).toBe(200);
  });
});
