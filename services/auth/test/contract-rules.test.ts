/**
 * The request rules auth's OpenAPI document states are the ones its validators apply: what the document
 * refuses, the service refuses (docs/adr/0016).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AUTH_OPERATIONS, buildOpenApi } from "@payments/contracts/http";
import {
  buildApp,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  type SignedIn,
  signInAdmin,
  type TestApp,
  type TestDb,
  uniqueEmail,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  admin = await signInAdmin(t, testDb);
}, 120_000);
afterAll(() => testDb.close());

const post = (path: string, json?: unknown, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", headers: { origin: ORIGIN, ...headers }, json });

describe("the documented request rules are the validators'", () => {
  const doc = buildOpenApi(AUTH_OPERATIONS, { service: "auth" }) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const bodySchema = (path: string, method: string): Record<string, unknown> => {
    const op = doc.paths[path]?.[method] as
      | { requestBody: { content: { "application/json": { schema: Record<string, unknown> } } } }
      | undefined;
    if (!op) throw new Error(`${method} ${path} is not documented`);
    return op.requestBody.content["application/json"].schema;
  };

  test("a PATCH without fields is refused, and the document says so (minProperties)", async () => {
    expect(bodySchema("/admin/users/{id}", "patch")).toMatchObject({
      minProperties: 1,
      additionalProperties: false,
    });
    const res = await t.request(`/admin/users/${admin.user.id}`, {
      method: "PATCH",
      token: admin.access_token,
      json: {},
    });
    expect(res.status).toBe(400);
  });

  test("a blank name is refused, and the document's pattern refuses it too", async () => {
    const name = (bodySchema("/register", "post").properties as Record<string, unknown>).name;
    expect(name).toEqual({ type: "string", maxLength: 200, pattern: "\\S", not: { pattern: "\\u0000" } });
    const res = await post("/register", {
      email: uniqueEmail("blank"),
      password: GOOD_PASSWORD,
      name: "   ",
      role: "customer",
    });
    expect(res.status).toBe(400);
  });

  test("unknown query parameters and both cursors are refused (400)", async () => {
    const token = admin.access_token;
    for (const query of ["foo=1", `starting_after=${admin.user.id}&ending_before=${admin.user.id}`]) {
      expect((await t.request(`/admin/users?${query}`, { token })).status).toBe(400);
    }
    expect((await t.request("/sessions?others=true&all=1", { method: "DELETE", token })).status).toBe(400);
  });
});
