import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
  openTestDb,
  register,
  type SignedIn,
  signInAdmin,
  type TestApp,
  type TestDb,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
let admin: SignedIn;
let customer: SignedIn;
let vendor: SignedIn;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  admin = await signInAdmin(t, testDb);
  customer = await register(t, { role: "customer" });
  vendor = await register(t, { role: "vendor" });
}, 120_000);
afterAll(() => testDb.close());

type UserBody = { id: string; email: string; role: string; active: boolean };
type ListBody = { data: UserBody[]; has_more: boolean };

const patch = (id: string, json: unknown, token = admin.access_token) =>
  t.request(`/admin/users/${id}`, { method: "PATCH", json, token });

describe(`BFLA: admin routes refuse non-admins (${adapters})`, () => {
  // Every admin route, each with a request that would succeed for an admin.
  const routes: [string, string, () => RequestInit & { json?: unknown }][] = [
    ["GET", "/admin/users", () => ({})],
    ["GET", "/admin/users?query=a&role=vendor&limit=5", () => ({})],
    ["PATCH", "/admin/users/:id", () => ({ json: { role: "admin" } })],
    ["PATCH", "/admin/users/:id", () => ({ json: { active: false } })],
  ];
  for (const [method, path, init] of routes) {
    for (const role of ["customer", "vendor"] as const) {
      test(`${method} ${path} ${JSON.stringify(init().json ?? "")} with a ${role} token → 403 permission`, async () => {
        const actor = role === "customer" ? customer : vendor;
        // Targets itself: the most tempting escalation.
        const res = await t.request(path.replace(":id", actor.user.id), {
          method,
          token: actor.access_token,
          ...init(),
        });
        expect(res.status).toBe(403);
        expect((await errorOf(res)).type).toBe("permission");
      });
    }
    test(`${method} ${path} without a token → 401`, async () => {
      const res = await t.request(path.replace(":id", customer.user.id), { method, ...init() });
      expect(res.status).toBe(401);
    });
  }

  test("nothing changed: the customer and vendor kept their roles", async () => {
    for (const s of [customer, vendor]) {
      const me = (await (await t.request("/me", { token: s.access_token })).json()) as UserBody;
      expect(me.role).toBe(s.user.role);
      expect(me.active).toBe(true);
    }
  });
});

describe(`admin user management (${adapters})`, () => {
  test("lists users newest first with cursor pagination both ways", async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await register(t, { name: `Paged ${i}`, role: "vendor" }));
    const page1 = (await (
      await t.request("/admin/users?limit=2", { token: admin.access_token })
    ).json()) as ListBody;
    expect(page1.data.map((u) => u.id)).toEqual([created[2], created[1]].map((c) => c?.user.id ?? "missing"));
    expect(page1.has_more).toBe(true);
    const page2 = (await (
      await t.request(`/admin/users?limit=2&starting_after=${page1.data[1]?.id}`, {
        token: admin.access_token,
      })
    ).json()) as ListBody;
    expect(page2.data[0]?.id).toBe(created[0]?.user.id);
    const back = (await (
      await t.request(`/admin/users?limit=2&ending_before=${page2.data[0]?.id}`, {
        token: admin.access_token,
      })
    ).json()) as ListBody;
    expect(back.data.map((u) => u.id)).toEqual(page1.data.map((u) => u.id));
    expect(JSON.stringify(page1)).not.toContain("password");
  });

  test("searches email and name case-insensitively, filters by role and active; LIKE wildcards are literal", async () => {
    const needle = await register(t, { name: "Zebulon Quarry", role: "vendor" });
    const byName = (await (
      await t.request("/admin/users?query=zebulon%20q", { token: admin.access_token })
    ).json()) as ListBody;
    expect(byName.data.map((u) => u.id)).toEqual([needle.user.id]);
    const byEmail = (await (
      await t.request(`/admin/users?query=${encodeURIComponent(needle.user.email.toUpperCase())}`, {
        token: admin.access_token,
      })
    ).json()) as ListBody;
    expect(byEmail.data.map((u) => u.id)).toEqual([needle.user.id]);
    const wildcard = (await (
      await t.request("/admin/users?query=%25", { token: admin.access_token })
    ).json()) as ListBody;
    expect(wildcard.data).toEqual([]);
    const admins = (await (
      await t.request("/admin/users?role=admin", { token: admin.access_token })
    ).json()) as ListBody;
    expect(admins.data.map((u) => u.id)).toEqual([admin.user.id]);
  });

  test("bad query parameters → 400", async () => {
    for (const q of ["limit=0", "limit=101", "role=root", "starting_after=42", "active=yes"]) {
      const res = await t.request(`/admin/users?${q}`, { token: admin.access_token });
      expect(res.status).toBe(400);
    }
  });

  test("role change: event, the user's sessions end, the new role is in the next login's token", async () => {
    const s = await register(t, { role: "customer" });
    const res = await patch(s.user.id, { role: "vendor" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserBody).role).toBe("vendor");
    expect((await t.request("/me", { token: s.access_token })).status).toBe(401);
    const events: unknown[] = (await t.events())
      .filter((e) => e.subject === s.user.id)
      .map((e) => [e.type, e.data]);
    expect(events).toContainEqual([
      "user.role_changed",
      expect.objectContaining({
        id: s.user.id,
        role: "vendor",
        previous_role: "customer",
        changed_by: admin.user.id,
      }),
    ]);
    expect(events).toContainEqual([
      "session.revoked",
      { user_id: s.user.id, session_ids: [expect.any(String)], reason: "role_changed" },
    ]);
    const again = await t.request("/login", { json: { email: s.user.email, password: GOOD_PASSWORD } });
    const token = ((await again.json()) as { access_token: string }).access_token;
    expect(JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).role).toBe("vendor");
  });

  test("deactivation: event, sessions end, login refused; reactivation: user.updated, login works", async () => {
    const s = await register(t, { role: "vendor" });
    const res = await patch(s.user.id, { active: false });
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserBody).active).toBe(false);
    expect((await t.request("/me", { token: s.access_token })).status).toBe(401);
    const login = await t.request("/login", { json: { email: s.user.email, password: GOOD_PASSWORD } });
    expect(login.status).toBe(403);
    expect(await errorOf(login)).toMatchObject({ type: "permission", code: "account_deactivated" });

    expect((await patch(s.user.id, { active: true })).status).toBe(200);
    expect(
      (await t.request("/login", { json: { email: s.user.email, password: GOOD_PASSWORD } })).status,
    ).toBe(200);
    const types = (await t.events()).filter((e) => e.subject === s.user.id).map((e) => e.type);
    expect(types).toEqual([
      "user.registered",
      "session.started",
      "user.deactivated",
      "session.revoked",
      "user.updated",
      "session.started",
    ]);
  });

  test("a patch that changes nothing emits nothing and ends no session", async () => {
    const s = await register(t, { role: "customer" });
    const before = (await t.events()).length;
    expect((await patch(s.user.id, { role: "customer", active: true })).status).toBe(200);
    expect((await t.events()).length).toBe(before);
    expect((await t.request("/me", { token: s.access_token })).status).toBe(200);
  });

  test("an admin cannot demote or deactivate themselves → 409", async () => {
    for (const body of [{ role: "customer" }, { active: false }]) {
      const res = await patch(admin.user.id, body);
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({ type: "conflict", code: "cannot_change_own_account" });
    }
    expect((await t.request("/me", { token: admin.access_token })).status).toBe(200);
  });

  test("unknown or malformed user id → 404; empty or unknown fields → 400; both cursors → 400", async () => {
    expect((await patch("usr_01j00000000000000000000000", { role: "vendor" })).status).toBe(404);
    expect((await patch(customer.user.id, {})).status).toBe(400);
    const extra = await patch(customer.user.id, { role: "vendor", email: "x@y.z" });
    expect(extra.status).toBe(400);
    expect(await errorOf(extra)).toMatchObject({ param: "email" });
    // A malformed id names no user, as an unknown one (the contract's id pattern).
    const malformed = await patch("42", { role: "vendor" });
    expect(malformed.status).toBe(404);
    expect(await errorOf(malformed)).toMatchObject({ code: "user_not_found" });
    const both = await t.request(
      `/admin/users?starting_after=${customer.user.id}&ending_before=${vendor.user.id}`,
      { token: admin.access_token },
    );
    expect(both.status).toBe(400);
    expect(await errorOf(both)).toMatchObject({ param: "ending_before" });
  });
});
