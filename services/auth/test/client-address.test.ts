import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  GOOD_PASSWORD,
  openTestDb,
  register,
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

type Listed = { data: Array<{ ip: string | null; current: boolean; user_agent: string | null }> };

// The gateway sends the client's address (what Caddy saw) in X-Forwarded-For; auth keeps it with the session
// that the sessions page lists (issue 18: every session showed the gateway's ::1 when it was lost).
describe(`the client's address on a session (${adapters})`, () => {
  test("a sign-in's session carries the forwarded address, the first of the list", async () => {
    const user = await register(t);
    const login = await t.request("/login", {
      json: { email: user.user.email, password: GOOD_PASSWORD },
      headers: { "x-forwarded-for": "198.51.100.23, 10.0.0.9", "user-agent": "Laptop/2.0" },
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const listed = (await (await t.request("/sessions", { token })).json()) as Listed;
    const mine = listed.data.find((s) => s.current);
    expect(mine).toMatchObject({ ip: "198.51.100.23", user_agent: "Laptop/2.0" });
  });

  test("a value that is not an address is not recorded as one", async () => {
    const user = await register(t);
    const login = await t.request("/login", {
      json: { email: user.user.email, password: GOOD_PASSWORD },
      headers: { "x-forwarded-for": "<script>alert(1)</script>" },
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const listed = (await (await t.request("/sessions", { token })).json()) as Listed;
    expect(listed.data.find((s) => s.current)?.ip).not.toContain("script");
  });
});
