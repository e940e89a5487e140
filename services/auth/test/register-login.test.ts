import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  register,
  signedIn,
  type TestApp,
  type TestDb,
  uniqueEmail,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
}, 120_000);
afterAll(() => testDb.close());

describe(`register (${adapters})`, () => {
  test("201 with the user, a 10-minute access token and a strict refresh cookie", async () => {
    const email = uniqueEmail("Mixed.Case");
    const res = await t.request("/register", {
      json: { email: email.toUpperCase(), password: GOOD_PASSWORD, name: "Ada Vendor", role: "vendor" },
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(201);
    const body = await signedIn(res);
    expect(body.user).toEqual({
      id: expect.stringMatching(/^usr_[0-9a-z]{26}$/),
      email: email.toLowerCase(),
      name: "Ada Vendor",
      role: "vendor",
      active: true,
      created_at: t.clock.now().toISOString(),
      // A new address is unverified until the link in its mail is followed (docs/adr/0017).
      email_verified: false,
    });
    expect(body.expires_in).toBe(600);
    expect(body.access_token.split(".")).toHaveLength(3);
    expect(body.setCookie).toContain("Path=/api/auth");
    expect(body.setCookie).toContain("HttpOnly");
    expect(body.setCookie).toContain("Secure");
    expect(body.setCookie).toContain("SameSite=Strict");
    expect(body.setCookie).toContain(`Max-Age=${12 * 3600}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    // The password never comes back, not even hashed.
    expect(JSON.stringify(body)).not.toContain("argon2");

    const events = (await t.events()).filter(
      (e) => e.type === "user.registered" && e.subject === body.user.id,
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual(body.user);
    expect(events[0]?.producer).toBe("auth");
  });

  test("the same email in another case → 409 conflict", async () => {
    const email = uniqueEmail("dup");
    await register(t, { email });
    const res = await t.request("/register", {
      json: {
        email: `  ${email.toUpperCase()} `.trim(),
        password: GOOD_PASSWORD,
        name: "Again",
        role: "customer",
      },
    });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ type: "conflict", code: "email_taken" });
  });

  test("admin cannot be chosen at registration", async () => {
    const res = await t.request("/register", {
      json: { email: uniqueEmail(), password: GOOD_PASSWORD, name: "Eve", role: "admin" },
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", param: "role" });
  });

  test("malformed JSON → 400 invalid_request", async () => {
    const res = await t.app.request("/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "a@b.c", "password": ',
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", code: "malformed_json" });
  });

  test("unknown fields → 400 naming the field", async () => {
    const res = await t.request("/register", {
      json: { email: uniqueEmail(), password: GOOD_PASSWORD, name: "X", role: "customer", is_admin: true },
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", param: "is_admin" });
  });

  test("an over-long field → 400; an oversized body → 413 invalid_request before parsing", async () => {
    const long = await t.request("/register", {
      json: { email: uniqueEmail(), password: GOOD_PASSWORD, name: "n".repeat(201), role: "customer" },
    });
    expect(long.status).toBe(400);
    expect(await errorOf(long)).toMatchObject({ type: "invalid_request", param: "name" });

    const huge = await t.request("/register", {
      json: { email: uniqueEmail(), password: GOOD_PASSWORD, name: "x".repeat(20_000), role: "customer" },
    });
    expect(huge.status).toBe(413);
    expect(await errorOf(huge)).toMatchObject({ type: "invalid_request", code: "body_too_large" });
  });

  const weak: [string, string, string][] = [
    ["too short", "Ab1!xyz", "password_too_short"],
    ["on the common list", "password123", "password_common"],
    ["common in another case", "Qwerty123", "password_common"],
    ["the email's local part", "", "password_contains_identity"],
    ["longer than 128 characters", "x".repeat(129), "password_too_long"],
  ];
  for (const [name, password, code] of weak) {
    test(`a password ${name} → 400 ${code}`, async () => {
      const email = uniqueEmail("someone");
      const res = await t.request("/register", {
        json: { email, password: password || email.split("@")[0], name: "Someone", role: "customer" },
      });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ type: "invalid_request", code, param: "password" });
    });
  }

  test("a disallowed Origin → 403 permission", async () => {
    const res = await t.request("/register", {
      json: { email: uniqueEmail(), password: GOOD_PASSWORD, name: "X", role: "customer" },
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ type: "permission", code: "origin_not_allowed" });
  });
});

describe(`login (${adapters})`, () => {
  test("200 with the same shape as register, a new session each time", async () => {
    const email = uniqueEmail("login");
    const first = await register(t, { email, role: "vendor" });
    const res = await t.request("/login", { json: { email: email.toUpperCase(), password: GOOD_PASSWORD } });
    expect(res.status).toBe(200);
    const body = await signedIn(res);
    expect(body.user).toEqual(first.user);
    expect(body.expires_in).toBe(600);
    expect(body.refresh).not.toBe(first.refresh);
    const sessions = await t.request("/sessions", { token: body.access_token });
    expect(((await sessions.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  test("an unknown email and a wrong password get the same answer", async () => {
    const email = uniqueEmail("known");
    await register(t, { email });
    const wrong = await t.request("/login", { json: { email, password: "not the password at all" } });
    const unknown = await t.request("/login", {
      json: { email: uniqueEmail("ghost"), password: "not the password at all" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await errorOf(wrong), await errorOf(unknown)];
    expect({ ...a, request_id: undefined }).toEqual({ ...b, request_id: undefined });
    expect(a).toMatchObject({ type: "authentication", code: "invalid_credentials" });
    expect(wrong.headers.has("set-cookie")).toBe(false);
  });

  test("missing fields → 400", async () => {
    const res = await t.request("/login", { json: { email: uniqueEmail() } });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request", param: "password" });
  });
});
