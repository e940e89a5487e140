import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_SYSTEM_CONFIG } from "../src/domain/system-config.ts";
import { adapters, buildAdmin, errorOf, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

// ADR 0015: 415, 405 + Allow and the unknown-query policy, as the kit applies them to this service's routes.
let testDb: TestDb;
let t: TestAdmin;
let token: string;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
  token = await t.token("admin");
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

describe(`uniform HTTP semantics (${adapters})`, () => {
  test("PUT /config with a text/plain body → 415, and the configuration is unchanged", async () => {
    const body = JSON.stringify({ settings: DEFAULT_SYSTEM_CONFIG });
    const res = await t.request("/config", {
      method: "PUT",
      token,
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body,
    });
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", code: "unsupported_media_type" });
    expect(await t.outboxEvents()).toHaveLength(0);
  });

  test("a wrong method on a known path → 405 with Allow; the message names no path", async () => {
    const cases: Array<[method: string, path: string, allow: string]> = [
      ["POST", "/config", "GET, HEAD, PUT"],
      ["PATCH", "/config", "GET, HEAD, PUT"],
      ["DELETE", "/dashboard", "GET, HEAD"],
      ["PUT", "/config/public", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await t.request(path, { method, token });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      const error = await errorOf(res);
      expect(error.code).toBe("method_not_allowed");
      expect(JSON.stringify(error)).not.toContain(path);
    }
  });

  test("unknown query parameters → 400 unknown_parameter naming them, with or without a query schema", async () => {
    const audit = await t.request("/audit-logs?limit=5&page=2", { token });
    expect(audit.status).toBe(400);
    expect(await errorOf(audit)).toMatchObject({
      type: "invalid_request",
      code: "unknown_parameter",
      param: "page",
    });
    expect((await t.request("/audit-logs?limit=5", { token })).status).toBe(200);
    // GET /config declares no query parameters at all.
    const config = await t.request("/config?fresh=1", { token });
    expect(config.status).toBe(400);
    expect((await errorOf(config)).param).toBe("fresh");
    expect((await t.request("/config", { token })).status).toBe(200);
  });
});
