import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCache } from "@payments/cache";
import { createLogger } from "@payments/service-kit";
import { eq } from "drizzle-orm";
import { createUserLookup } from "../src/actions/user-cache.ts";
import { users } from "../src/db/schema.ts";
import { latestToken } from "./mail-support.ts";
import {
  adapters,
  buildApp,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  register,
  type SignedIn,
  signedIn,
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

const NEW_PASSWORD = "a brand new passphrase 9";
const withOrigin = { headers: { origin: ORIGIN } };

/** The user as `GET /me` shows it (through the cache). */
type Me = { status: number; name?: string; email?: string; role?: string; email_verified?: boolean };
async function me(token: string): Promise<Me> {
  const res = await t.request("/me", { token });
  return res.status === 200
    ? { status: 200, ...((await res.json()) as Omit<Me, "status">) }
    : { status: res.status };
}

/** The cached copy of a user, read from the cache itself. */
const cached = (id: string) => testDb.cache.get<Record<string, unknown>>(`user:${id}`);

/**
 * Changes the name in the database behind auth's back (auth never changes names), so the cached copy and the
 * row differ: a later `/me` showing this name proves the cached copy was dropped.
 */
async function renameBehindTheCache(id: string, name: string): Promise<void> {
  await testDb.db.update(users).set({ name }).where(eq(users.id, id));
}

/** A registered user whose cached copy is now out of date (see {@link renameBehindTheCache}). */
async function userWithStaleCopy(role: "customer" | "vendor" = "customer"): Promise<SignedIn> {
  const user = await register(t, { role });
  expect((await me(user.access_token)).name).toBe("Test User");
  await renameBehindTheCache(user.user.id, "Name In The Database");
  expect((await me(user.access_token)).name).toBe("Test User");
  return user;
}

const login = async (email: string, password = GOOD_PASSWORD) =>
  signedIn(await t.request("/login", { json: { email, password } }));

describe(`user lookups are cached (${adapters})`, () => {
  test("/me is served from the cache; without a cache every lookup reads the database", async () => {
    const user = await userWithStaleCopy();
    expect(await cached(user.user.id)).toMatchObject({ id: user.user.id, name: "Test User" });
    const uncached = await buildApp(testDb, { cache: null });
    const res = await uncached.request("/me", { token: user.access_token });
    expect(((await res.json()) as { name: string }).name).toBe("Name In The Database");
  });

  test("the cached copy never holds the password hash", async () => {
    const user = await register(t);
    await me(user.access_token);
    const copy = await cached(user.user.id);
    expect(copy).toBeDefined();
    expect(Object.keys(copy ?? {})).not.toContain("passwordHash");
    expect(JSON.stringify(copy)).not.toContain("$argon2");
  });

  test("an unknown id is not cached", async () => {
    const lookup = createUserLookup(testDb.db, testDb.cache);
    expect(await lookup.byId("usr_00000000000000000000000000")).toBeUndefined();
    expect(await cached("usr_00000000000000000000000000")).toBeUndefined();
  });
});

describe(`every change of a user drops its cached copy (${adapters})`, () => {
  test("password change", async () => {
    const user = await userWithStaleCopy();
    const res = await t.request("/password", {
      token: user.access_token,
      json: { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(res.status).toBe(204);
    expect(await cached(user.user.id)).toBeUndefined();
    expect((await me(user.access_token)).name).toBe("Name In The Database");
  });

  test("e-mail verification", async () => {
    const user = await userWithStaleCopy();
    const token = await latestToken(t, testDb, user.user.email, "verify_email");
    expect((await t.request("/email/verify", { ...withOrigin, json: { token } })).status).toBe(200);
    expect(await cached(user.user.id)).toBeUndefined();
    expect(await me(user.access_token)).toMatchObject({ name: "Name In The Database", email_verified: true });
  });

  test("e-mail change, once confirmed", async () => {
    const user = await userWithStaleCopy();
    const next = uniqueEmail("moved");
    const res = await t.request("/email", {
      token: user.access_token,
      json: { new_email: next, current_password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(202);
    const token = await latestToken(t, testDb, next, "email_change_verify");
    expect((await t.request("/email/verify", { ...withOrigin, json: { token } })).status).toBe(200);
    expect(await cached(user.user.id)).toBeUndefined();
    expect(await me(user.access_token)).toMatchObject({ name: "Name In The Database", email: next });
  });

  test("password reset", async () => {
    const user = await userWithStaleCopy();
    await t.request("/password/forgot", { ...withOrigin, json: { email: user.user.email } });
    const token = await latestToken(t, testDb, user.user.email, "password_reset");
    const res = await t.request("/password/reset", {
      ...withOrigin,
      json: { token, password: NEW_PASSWORD },
    });
    expect(res.status).toBe(204);
    expect(await cached(user.user.id)).toBeUndefined();
    const again = await login(user.user.email, NEW_PASSWORD);
    expect((await me(again.access_token)).name).toBe("Name In The Database");
  });

  test("an admin's role change", async () => {
    const user = await userWithStaleCopy("vendor");
    const res = await t.request(`/admin/users/${user.user.id}`, {
      method: "PATCH",
      token: admin.access_token,
      json: { role: "customer" },
    });
    expect(res.status).toBe(200);
    expect(await cached(user.user.id)).toBeUndefined();
    const again = await login(user.user.email);
    expect(await me(again.access_token)).toMatchObject({ name: "Name In The Database", role: "customer" });
  });

  test("deactivation: the cached copy goes, and neither refresh nor an API key works any more", async () => {
    const user = await userWithStaleCopy("vendor");
    const key = (await (
      await t.request("/api-keys", {
        token: user.access_token,
        json: { name: "ci", scopes: ["payments:read"] },
      })
    ).json()) as { secret: string };
    const exchange = () => t.request("/api-keys/token", { json: { api_key: key.secret } });
    const refresh = () => t.request("/refresh", { method: "POST", ...withOrigin, cookie: user.refresh });
    expect((await exchange()).status).toBe(200);
    const res = await t.request(`/admin/users/${user.user.id}`, {
      method: "PATCH",
      token: admin.access_token,
      json: { active: false },
    });
    expect(res.status).toBe(200);
    expect(await cached(user.user.id)).toBeUndefined();
    expect((await exchange()).status).toBe(401);
    expect((await refresh()).status).toBe(401);
  });

  test("accepting an invitation", async () => {
    const email = uniqueEmail("invitee");
    const invited = await t.request("/admin/invitations", {
      token: admin.access_token,
      json: { email, name: "Ivy Invited", role: "vendor" },
    });
    const { id } = (await invited.json()) as { id: string };
    // A stale copy as a lookup before the acceptance would have left it.
    await testDb.cache.set(`user:${id}`, { id, name: "Ivy Invited", email_verified: false });
    const token = await latestToken(t, testDb, email, "invitation");
    const res = await t.request("/invitations/accept", {
      ...withOrigin,
      json: { token, password: NEW_PASSWORD },
    });
    const session = await signedIn(res);
    expect(await cached(id)).toBeUndefined();
    expect(await me(session.access_token)).toMatchObject({ email, email_verified: true });
  });
});

describe(`a cache outage degrades to the database (${adapters})`, () => {
  test("with the cache unreachable, /me, refresh and API-key exchanges still answer", async () => {
    const logger = createLogger({ service: "auth", level: "silent" });
    // Nothing listens on port 1: every cache command fails at once (no offline queue).
    const down = createCache({ redisUrl: "redis://127.0.0.1:1", namespace: "test-auth-down", logger });
    try {
      const app = await buildApp(testDb, { cache: down });
      const user = await register(app, { role: "vendor" });
      const res = await app.request("/me", { token: user.access_token });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe(user.user.id);
      const refreshed = await app.request("/refresh", {
        method: "POST",
        ...withOrigin,
        cookie: user.refresh,
      });
      expect(refreshed.status).toBe(200);
      const key = (await (
        await app.request("/api-keys", {
          token: user.access_token,
          json: { name: "ci", scopes: ["payments:read"] },
        })
      ).json()) as { secret: string };
      expect((await app.request("/api-keys/token", { json: { api_key: key.secret } })).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
