import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import type { PreferencesView, ProfileView } from "@payments/contracts/http";
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

type Profile = ProfileView;
type Preferences = PreferencesView;

let testDb: TestDb;
let t: TestProfile;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildProfile(testDb);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

async function signedIn() {
  const user = userSnapshot();
  await t.deliver(accountEvent("user.registered", user));
  return { user, token: await t.token(user.id) };
}
const getJson = async <T>(path: string, token: string): Promise<T> => {
  const res = await t.request(path, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

describe(`my profile (${adapters})`, () => {
  test("every route needs a token", async () => {
    for (const [method, path] of [
      ["GET", "/me"],
      ["PATCH", "/me"],
      ["GET", "/me/preferences"],
      ["PATCH", "/me/preferences"],
    ] as const) {
      const res = await t.request(path, { method, json: method === "PATCH" ? { bio: "x" } : undefined });
      expect(res.status).toBe(401);
    }
  });

  test("before anything is stored: the defaults, not a 404 (the shell reads them right after sign-up)", async () => {
    const token = await t.token(newId("usr"));
    expect(await getJson<Profile>("/me", token)).toMatchObject({
      display_name: null,
      registered: false,
      created_at: null,
    });
    expect(await getJson<Preferences>("/me/preferences", token)).toEqual({
      theme: "system",
      locale: "en-US",
      default_currency: null,
      notifications: {
        payment_updates: true,
        refund_updates: true,
        security_alerts: true,
        product_news: false,
      },
      updated_at: null,
    });
  });

  test("the owner's update is stored, served fresh after a cached read, and announced once", async () => {
    const { user, token } = await signedIn();
    expect((await getJson<Profile>("/me", token)).display_name).toBe("Ada Lovelace"); // now cached
    const patch = {
      display_name: "  Countess  ",
      avatar_url: "https://cdn.example.com/a/ada.png",
      phone: "+447700900123",
      address: { line1: "12 St James's Sq", city: "London", country: "gb" },
      bio: "Analyst.",
    };
    const res = await t.request("/me", { json: patch, token });
    expect(res.status).toBe(200);
    const expected = {
      user_id: user.id,
      display_name: "Countess",
      avatar_url: "https://cdn.example.com/a/ada.png",
      phone: "+447700900123",
      address: { line1: "12 St James's Sq", city: "London", country: "GB" },
      bio: "Analyst.",
      registered: true,
    };
    expect(await res.json()).toMatchObject(expected);
    expect(await getJson<Profile>("/me", token)).toMatchObject(expected);
    const events = await t.profileEvents(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "profile.updated",
      producer: "profile",
      data: { user_id: user.id, fields: ["display_name", "avatar_url", "phone", "address", "bio"] },
    });
    // The same values again: nothing changes, nothing is announced.
    expect((await t.request("/me", { json: patch, token })).status).toBe(200);
    expect(await t.profileEvents(user.id)).toHaveLength(1);
  });

  test("null clears a field; a cleared display name falls back to the account name", async () => {
    const { token } = await signedIn();
    await t.request("/me", { json: { display_name: "Mine", bio: "Hello" }, token });
    const res = await t.request("/me", { json: { display_name: null, bio: null }, token });
    expect(await res.json()).toMatchObject({ display_name: "Ada Lovelace", bio: null });
  });

  const INVALID: Array<[string, unknown, string]> = [
    ["http avatar", { avatar_url: "http://cdn.example.com/a.png" }, "avatar_url"],
    ["javascript avatar", { avatar_url: "javascript:alert(1)" }, "avatar_url"],
    ["avatar on an IP", { avatar_url: "https://10.0.0.1/a.png" }, "avatar_url"],
    ["avatar with credentials", { avatar_url: "https://u:p@cdn.example.com/a.png" }, "avatar_url"],
    ["avatar that is not a URL at all", { avatar_url: "not a url" }, "avatar_url"],
    ["bio with a NUL character", { bio: "a\u0000b" }, "bio"],
    ["phone with spaces", { phone: "+44 7700 900123" }, "phone"],
    ["phone without +", { phone: "447700900123" }, "phone"],
    ["phone too long", { phone: "+1234567890123456" }, "phone"],
    ["bio of 501", { bio: "x".repeat(501) }, "bio"],
    ["empty display name", { display_name: "   " }, "display_name"],
    ["unknown country", { address: { line1: "x", city: "y", country: "XX" } }, "address.country"],
    ["address extra field", { address: { line1: "x", city: "y", country: "DE", floor: 3 } }, "address.floor"],
    ["someone else's id", { user_id: newId("usr"), bio: "x" }, "user_id"],
    ["an id field", { id: newId("usr") }, "id"],
    ["email (auth's)", { email: "a@b.c" }, "email"],
    ["nothing", {}, ""],
  ];
  for (const [name, body, param] of INVALID) {
    test(`PATCH /me: ${name} → 400${param ? ` naming ${param}` : ""}, nothing changed`, async () => {
      const { token } = await signedIn();
      const before = await getJson<Profile>("/me", token);
      const res = await t.request("/me", { json: body, token });
      expect(res.status).toBe(400);
      if (param) expect((await errorOf(res)).param).toBe(param);
      expect(await getJson<Profile>("/me", token)).toEqual(before);
    });
  }

  test("another user's profile cannot be read or changed: no route takes an id, and id parameters are refused", async () => {
    const victim = await signedIn();
    const attacker = await signedIn();
    const before = await getJson<Profile>("/me", victim.token);
    for (const [method, path] of [
      ["GET", `/${victim.user.id}`],
      ["PATCH", `/${victim.user.id}`],
      ["PATCH", `/me/${victim.user.id}`],
      ["GET", `/profiles/${victim.user.id}`],
    ] as const) {
      const res = await t.request(path, {
        method,
        token: attacker.token,
        json: method === "PATCH" ? { bio: "pwned" } : undefined,
      });
      expect(res.status).toBe(404);
    }
    for (const query of [`user_id=${victim.user.id}`, `id=${victim.user.id}`]) {
      const res = await t.request(`/me?${query}`, { token: attacker.token, json: { bio: "pwned" } });
      expect(res.status).toBe(400);
      expect((await t.request(`/me?${query}`, { token: attacker.token })).status).toBe(400);
    }
    // The attacker's own update touches only the attacker.
    await t.request("/me", { token: attacker.token, json: { bio: "mine" } });
    expect(await getJson<Profile>("/me", victim.token)).toEqual(before);
    expect((await getJson<Profile>("/me", attacker.token)).bio).toBe("mine");
  });
});

describe(`my preferences (${adapters})`, () => {
  test("partial updates merge; the locale is canonicalised; announced with the changed keys", async () => {
    const { user, token } = await signedIn();
    await getJson("/me/preferences", token); // cached defaults
    const res = await t.request("/me/preferences", {
      json: {
        theme: "dark",
        locale: "en-gb",
        default_currency: "eur",
        notifications: { product_news: true },
      },
      token,
    });
    expect(res.status).toBe(200);
    const expected = {
      theme: "dark",
      locale: "en-GB",
      default_currency: "eur",
      notifications: {
        payment_updates: true,
        refund_updates: true,
        security_alerts: true,
        product_news: true,
      },
    };
    expect(await res.json()).toMatchObject(expected);
    expect(await getJson<Preferences>("/me/preferences", token)).toMatchObject(expected);
    const second = await t.request("/me/preferences", {
      json: { notifications: { payment_updates: false } },
      token,
    });
    expect(((await second.json()) as Preferences).notifications).toEqual({
      ...expected.notifications,
      payment_updates: false,
    });
    expect((await t.profileEvents(user.id)).map((e) => (e.data as { fields: string[] }).fields)).toEqual([
      [
        "preferences.theme",
        "preferences.locale",
        "preferences.default_currency",
        "preferences.notifications.product_news",
      ],
      ["preferences.notifications.payment_updates"],
    ]);
  });

  const INVALID: Array<[string, unknown, string]> = [
    ["theme", { theme: "blue" }, "theme"],
    ["malformed locale", { locale: "en_US" }, "locale"],
    ["unknown language", { locale: "zz" }, "locale"],
    ["locale too long", { locale: `en-${"a".repeat(40)}` }, "locale"],
    ["unknown currency", { default_currency: "xyz" }, "default_currency"],
    ["upper-case currency", { default_currency: "EUR" }, "default_currency"],
    ["unknown switch", { notifications: { sms: true } }, "notifications.sms"],
    ["non-boolean switch", { notifications: { product_news: "yes" } }, "notifications.product_news"],
    ["unknown field", { user_id: newId("usr") }, "user_id"],
  ];
  for (const [name, body, param] of INVALID) {
    test(`PATCH /me/preferences: bad ${name} → 400 naming ${param}`, async () => {
      const { token } = await signedIn();
      const res = await t.request("/me/preferences", { json: body, token });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).param).toBe(param);
      expect((await getJson<Preferences>("/me/preferences", token)).updated_at).toBeNull();
    });
  }
});
