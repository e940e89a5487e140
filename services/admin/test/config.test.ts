import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseEvent } from "@payments/contracts";
import type { ConfigVersionView, SystemConfigView } from "@payments/contracts/http";
import { DEFAULT_SYSTEM_CONFIG, type SystemConfig } from "../src/domain/system-config.ts";
import { adapters, buildAdmin, errorOf, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

type ConfigBody = SystemConfigView;
type HistoryBody = { data: ConfigVersionView[]; has_more: boolean };

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

const put = (json: unknown, tok = token) => t.request("/config", { method: "PUT", json, token: tok });
const read = async (): Promise<ConfigBody> =>
  (await (await t.request("/config", { token })).json()) as ConfigBody;
const withBanner = (message: string): SystemConfig => ({
  ...DEFAULT_SYSTEM_CONFIG,
  maintenance_banner: { enabled: true, message, level: "warning" },
});

describe(`system configuration (${adapters})`, () => {
  test("before any change: version 0 with the built-in defaults", async () => {
    expect(await read()).toEqual({
      version: 0,
      settings: DEFAULT_SYSTEM_CONFIG,
      updated_by: null,
      updated_at: null,
    });
  });

  test("a change is a new version with who and when, and config.updated goes through the outbox", async () => {
    const at = new Date("2030-05-01T12:00:00.000Z");
    t.clock.set(at);
    const res = await put({ settings: withBanner("Back at 14:00 UTC"), expected_version: 0 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ConfigBody;
    expect(body).toEqual({
      version: 1,
      settings: withBanner("Back at 14:00 UTC"),
      updated_by: t.adminId,
      updated_at: at.toISOString(),
    });
    expect(await read()).toEqual(body);
    const events = await t.outboxEvents();
    expect(events).toHaveLength(1);
    const event = events[0];
    expect(parseEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      type: "config.updated",
      producer: "admin",
      subject: "system_config",
      data: {
        version: 1,
        keys: ["maintenance_banner.enabled", "maintenance_banner.level", "maintenance_banner.message"],
        updated_by: t.adminId,
        updated_at: at.toISOString(),
      },
    });
  });

  test("the public read shows the new version at once (the cache was invalidated)", async () => {
    const pub = (await (await t.request("/config/public")).json()) as {
      version: number;
      settings: SystemConfig;
    };
    expect(pub.version).toBe(1);
    expect(pub.settings.maintenance_banner.message).toBe("Back at 14:00 UTC");
  });

  test("identical settings change nothing: no version, no event", async () => {
    const res = await put({ settings: withBanner("Back at 14:00 UTC") });
    expect(res.status).toBe(200);
    expect(((await res.json()) as ConfigBody).version).toBe(1);
    expect(await t.outboxEvents()).toHaveLength(1);
  });

  test("a stale expected_version → 409 and nothing stored (no lost update)", async () => {
    const res = await put({ settings: withBanner("Mine"), expected_version: 0 });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("config_version_conflict");
    expect((await read()).version).toBe(1);
  });

  test("concurrent changes get consecutive versions, none lost", async () => {
    const results = await Promise.all(
      ["a", "b", "c", "d"].map(
        async (m) => (await (await put({ settings: withBanner(m) })).json()) as ConfigBody,
      ),
    );
    expect(results.map((r) => r.version).sort()).toEqual([2, 3, 4, 5]);
    const history = (await (await t.request("/config/history", { token })).json()) as HistoryBody;
    expect(history.data.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(history.data.at(-1)?.changed_keys).toContain("maintenance_banner.message");
  });

  test("history pages both ways by version", async () => {
    const page1 = (await (await t.request("/config/history?limit=2", { token })).json()) as HistoryBody;
    expect(page1.data.map((v) => v.version)).toEqual([5, 4]);
    expect(page1.has_more).toBe(true);
    const page2 = (await (
      await t.request("/config/history?limit=2&starting_after=4", { token })
    ).json()) as HistoryBody;
    expect(page2.data.map((v) => v.version)).toEqual([3, 2]);
    const back = (await (
      await t.request("/config/history?limit=2&ending_before=3", { token })
    ).json()) as HistoryBody;
    expect(back.data.map((v) => v.version)).toEqual([5, 4]);
    expect((await t.request("/config/history?starting_after=abc", { token })).status).toBe(400);
  });

  test("per-currency limits and currency lists: changed keys name the leaves", async () => {
    const current = await read();
    const settings: SystemConfig = {
      ...current.settings,
      supported_currencies: ["usd", "jpy"],
      payment_limits: {
        default: { min_amount: 50, max_amount: 1_000_000 },
        per_currency: { jpy: { min_amount: 50, max_amount: 100_000 } },
      },
    };
    expect((await put({ settings, expected_version: current.version })).status).toBe(200);
    const last = (await t.outboxEvents()).at(-1);
    expect(last?.data).toMatchObject({
      keys: [
        "payment_limits.default.max_amount",
        "payment_limits.default.min_amount",
        "payment_limits.per_currency.jpy",
        "supported_currencies",
      ],
    });
  });

  const INVALID: Array<[string, unknown, string]> = [
    ["unknown top-level field", { settings: DEFAULT_SYSTEM_CONFIG, extra: 1 }, "extra"],
    ["unknown setting", { settings: { ...DEFAULT_SYSTEM_CONFIG, theme: "dark" } }, "settings.theme"],
    ["missing settings", { expected_version: 1 }, "settings"],
    [
      "unknown currency",
      { settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["usd", "xyz"] } },
      "settings.supported_currencies.1",
    ],
    [
      "repeated currency",
      { settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: ["usd", "usd"] } },
      "settings.supported_currencies",
    ],
    [
      "no currency",
      { settings: { ...DEFAULT_SYSTEM_CONFIG, supported_currencies: [] } },
      "settings.supported_currencies",
    ],
    [
      "min above max",
      {
        settings: {
          ...DEFAULT_SYSTEM_CONFIG,
          payment_limits: { default: { min_amount: 10, max_amount: 5 }, per_currency: {} },
        },
      },
      "settings.payment_limits.default.min_amount",
    ],
    [
      "float amount",
      {
        settings: {
          ...DEFAULT_SYSTEM_CONFIG,
          payment_limits: { default: { min_amount: 1.5, max_amount: 5 }, per_currency: {} },
        },
      },
      "settings.payment_limits.default.min_amount",
    ],
    [
      "enabled banner without message",
      {
        settings: {
          ...DEFAULT_SYSTEM_CONFIG,
          maintenance_banner: { enabled: true, message: " ", level: "info" },
        },
      },
      "settings.maintenance_banner.message",
    ],
    [
      "banner too long",
      {
        settings: {
          ...DEFAULT_SYSTEM_CONFIG,
          maintenance_banner: { enabled: true, message: "x".repeat(501), level: "info" },
        },
      },
      "settings.maintenance_banner.message",
    ],
    [
      "negative expected_version",
      { settings: DEFAULT_SYSTEM_CONFIG, expected_version: -1 },
      "expected_version",
    ],
  ];
  for (const [name, body, param] of INVALID) {
    test(`invalid: ${name} → 400 naming ${param}, nothing stored`, async () => {
      const before = await read();
      const res = await put(body);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).param).toBe(param);
      expect((await read()).version).toBe(before.version);
    });
  }
});
