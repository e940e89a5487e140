import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_SYSTEM_CONFIG } from "../src/domain/system-config.ts";
import { adapters, buildAdmin, errorOf, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

let testDb: TestDb;
let t: TestAdmin;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

/** Every admin route with a request an admin would get a 2xx for. */
const ROUTES: Array<[method: string, path: string, json?: unknown]> = [
  ["GET", "/dashboard"],
  ["GET", "/dashboard?minutes=5&days=2"],
  ["GET", "/audit-logs"],
  ["GET", "/audit-logs?type=payment.&limit=5"],
  ["GET", "/audit-logs.csv"],
  ["GET", "/config"],
  ["PUT", "/config", { settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["usd"] } }],
  ["GET", "/config/history"],
];

describe(`admin routes are for admins only (${adapters})`, () => {
  for (const [method, path, json] of ROUTES) {
    for (const role of ["customer", "vendor"] as const) {
      test(`${method} ${path} with a ${role} token → 403 permission`, async () => {
        const res = await t.request(path, { method, json, token: await t.token(role) });
        expect(res.status).toBe(403);
        expect((await errorOf(res)).type).toBe("permission");
      });
    }
    test(`${method} ${path} without a token → 401; with a forged one → 401`, async () => {
      expect((await t.request(path, { method, json })).status).toBe(401);
      const forged = `${(await t.token("admin")).slice(0, -4)}AAAA`;
      expect((await t.request(path, { method, json, token: forged })).status).toBe(401);
    });
    test(`${method} ${path} with an admin token → 2xx, no-store`, async () => {
      const res = await t.request(path, { method, json, token: await t.token("admin") });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      await res.arrayBuffer();
    });
  }

  test("a non-admin's refused PUT /config changed nothing", async () => {
    const body = { settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["eur"] } };
    await t.request("/config", { method: "PUT", json: body, token: await t.token("customer") });
    const res = await t.request("/config", { token: await t.token("admin") });
    const config = (await res.json()) as { settings: { supported_currencies: string[] } };
    expect(config.settings.supported_currencies).not.toEqual(["eur"]);
  });

  test("a non-admin with a bad query still gets 403, not 400 (authorisation first)", async () => {
    const res = await t.request("/audit-logs?from=yesterday", { token: await t.token("customer") });
    expect(res.status).toBe(403);
  });

  test("GET /config/public needs no token and is cacheable", async () => {
    const res = await t.request("/config/public");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=30");
    const body = (await res.json()) as { version: number; settings: unknown };
    expect(Object.keys(body).sort()).toEqual(["settings", "version"]);
  });
});
