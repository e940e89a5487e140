import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type OperationSpec,
  profileGetMe,
  profileGetPreferences,
  profileUpdateMe,
  profileUpdatePreferences,
} from "@payments/contracts/http";
import { routeCoverage } from "@payments/service-kit";
import { contractProblems, documentAccepts } from "@payments/testing";
import {
  accountEvent,
  adapters,
  buildProfile,
  openTestDb,
  type TestDb,
  type TestProfile,
  userSnapshot,
} from "./support.ts";

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

/** Status and contract problems of an answer, to compare with what `op` documents. */
async function verdict(op: OperationSpec, res: Response) {
  const body: unknown = await res.json();
  return { op: op.id, status: res.status, problems: contractProblems(op, res.status, body) };
}

describe(`profile routes are its contract (${adapters})`, () => {
  test("every route is declared in @payments/contracts/http, and every declared route is served", () => {
    expect(routeCoverage(t.app, "profile")).toEqual({ undeclared: [], missing: [] });
  });

  test("real answers match the documented response schemas exactly, defaults and stored", async () => {
    // Nothing stored yet: the defaults, with null timestamps.
    const stranger = await t.token(userSnapshot().id);
    for (const [op, path] of [
      [profileGetMe, "/me"],
      [profileGetPreferences, "/me/preferences"],
    ] as const) {
      expect(await verdict(op, await t.request(path, { token: stranger }))).toEqual({
        op: op.id,
        status: 200,
        problems: [],
      });
    }

    const user = userSnapshot();
    await t.deliver(accountEvent("user.registered", user));
    const token = await t.token(user.id);
    const profile = {
      display_name: " Ada ",
      avatar_url: "HTTPS://CDN.Example.com/a b.png",
      phone: "+14155550123",
      address: {
        line1: "12 St James's Sq",
        line2: "Flat 1",
        city: "London",
        postal_code: "SW1Y",
        country: "gb",
      },
      bio: "Analyst.",
    };
    const preferences = {
      theme: "dark",
      locale: "de-ch",
      default_currency: "chf",
      notifications: { product_news: true },
    };
    const checks = [
      [profileUpdateMe, await t.request("/me", { method: "PATCH", token, json: profile })],
      [profileGetMe, await t.request("/me", { token })],
      [
        profileUpdatePreferences,
        await t.request("/me/preferences", { method: "PATCH", token, json: preferences }),
      ],
      [profileGetPreferences, await t.request("/me/preferences", { token })],
      // Clearing fields: null where the schema says nullable.
      [
        profileUpdateMe,
        await t.request("/me", { method: "PATCH", token, json: { address: null, bio: null } }),
      ],
    ] as const;
    for (const [op, res] of checks) {
      expect(await verdict(op, res)).toEqual({ op: op.id, status: 200, problems: [] });
    }
  });

  test("errors have the Error shape with a documented status", async () => {
    const user = userSnapshot();
    await t.deliver(accountEvent("user.registered", user));
    const token = await t.token(user.id);
    const checks = [
      [profileGetMe, await t.request("/me"), 401],
      [profileGetMe, await t.request("/me?user_id=usr_x", { token }), 400],
      [profileUpdateMe, await t.request("/me", { method: "PATCH", token, json: {} }), 400],
      [
        profileUpdatePreferences,
        await t.request("/me/preferences", { method: "PATCH", token, json: {} }),
        400,
      ],
    ] as const;
    for (const [op, res, status] of checks) {
      expect(await verdict(op, res)).toEqual({ op: op.id, status, problems: [] });
    }
    await t.deliver(accountEvent("user.deactivated", user, new Date(Date.now() + 1000)));
    expect(await verdict(profileGetPreferences, await t.request("/me/preferences", { token }))).toEqual({
      op: profileGetPreferences.id,
      status: 404,
      problems: [],
    });
  });

  test("request schemas are exactly as strict as the validators", () => {
    const avatars = [
      "https://cdn.example.com/a.png",
      "HTTPS://CDN.Example.com/a b.png",
      "https://cdn.example.com:8443/a?x=1#y",
      "https://cdn.example.com:065535/a",
      "https://cdn.example.com:65536/a",
      "https://cdn.example.com:/a",
      "https://example.com/ü",
      "https://example.com/a\tb",
      " https://example.com/a",
      "http://cdn.example.com/a.png",
      "https://localhost/a.png",
      "https://10.0.0.1/a.png",
      "https://u:p@cdn.example.com/a.png",
      "https://cdn.example.com@evil.example/a.png",
      "https://example.com.",
      "https://-a.example/",
      "https://a-.example/",
      "https://exa_mple.com/",
      "https://bücher.example/",
      "https://xn--bcher-kva.example/",
      `https://${"a".repeat(64)}.example/`,
      `https://example.com/${"x".repeat(2030)}`,
      "javascript:alert(1)",
      "not a url",
    ];
    const locales = [
      ...["en", "en-US", "en-us", "EN-us", "zh-hant-tw", "sr-Latn", "es-419", "de-CH", "fil-PH"],
      ...["zz", "qq-US", "en_US", "i-klingon", "en-US-u-ca-buddhist", "de-DE-1996", "eng", "x", "en-"],
      ...["en-USA", "en-1234", `en-${"a".repeat(40)}`, ""],
    ];
    const countries = ["DE", "de", " gb ", "XK", "XX", "EU", "UK", "D", "DEU", ""];
    const texts = ["Ada", "  Ada  ", " ", "", "x".repeat(100), "x".repeat(101), ` ${"x".repeat(100)}`];
    const address = { line1: "1 Main St", city: "Springfield", country: "US" };
    const cases: [OperationSpec, unknown][] = [
      [profileUpdateMe, {}],
      [profileUpdateMe, { user_id: "usr_x" }],
      [profileUpdateMe, { phone: "+14155550123" }],
      [profileUpdateMe, { phone: "+0123" }],
      [profileUpdateMe, { address: null, bio: null }],
      [profileUpdateMe, { address: { ...address, floor: 3 } }],
      [profileUpdateMe, { address: { line1: "x", country: "US" } }],
      ...avatars.map((avatar_url): [OperationSpec, unknown] => [profileUpdateMe, { avatar_url }]),
      ...countries.map((country): [OperationSpec, unknown] => [
        profileUpdateMe,
        { address: { ...address, country } },
      ]),
      ...texts.flatMap((text): [OperationSpec, unknown][] => [
        [profileUpdateMe, { display_name: text }],
        [profileUpdateMe, { address: { ...address, line1: text, line2: text } }],
        [profileUpdateMe, { bio: text.repeat(5) }],
      ]),
      [profileUpdatePreferences, {}],
      [profileUpdatePreferences, { theme: "dark" }],
      [profileUpdatePreferences, { theme: "blue" }],
      [profileUpdatePreferences, { default_currency: "usd" }],
      [profileUpdatePreferences, { default_currency: "USD" }],
      [profileUpdatePreferences, { default_currency: null }],
      [profileUpdatePreferences, { notifications: {} }],
      [profileUpdatePreferences, { notifications: { product_news: "yes" } }],
      [profileUpdatePreferences, { notifications: { sms: true } }],
      ...locales.map((locale): [OperationSpec, unknown] => [profileUpdatePreferences, { locale }]),
    ];
    const disagreements = cases
      .map(([op, body]) => ({
        op: op.id,
        body,
        documented: documentAccepts(op, body),
        validated: op.body?.safeParse(body).success,
      }))
      .filter((c) => c.documented !== c.validated);
    expect(disagreements).toEqual([]);
  });
});
