import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SystemConfigView } from "@payments/contracts/http";
import { configVersions } from "../src/db/schema.ts";
import { DEFAULT_SYSTEM_CONFIG, type SystemConfig } from "../src/domain/system-config.ts";
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

/** An admin token of a session that signed in with a second factor (`amr` names `mfa`), as auth issues it. */
const twoFactorToken = () => t.issuer.sign({ role: "admin", userId: t.adminId, amr: ["pwd", "mfa"] });
const passwordToken = () => t.issuer.sign({ role: "admin", userId: t.adminId, amr: ["pwd"] });
const requiring = (on: boolean): SystemConfig => ({
  ...DEFAULT_SYSTEM_CONFIG,
  security: { require_admin_2fa: on },
});

describe(`security.require_admin_2fa (${adapters})`, () => {
  test("settings stored before the rule existed read with its default (off)", async () => {
    const { security: _dropped, ...old } = DEFAULT_SYSTEM_CONFIG;
    // A row as an older admin service stored it: no `security` key at all.
    await testDb.db.insert(configVersions).values({
      version: 1,
      settings: { ...old, supported_currencies: ["usd", "eur"] } as SystemConfig,
      changedKeys: ["supported_currencies"],
      updatedBy: t.adminId,
      updatedAt: new Date(),
    });
    const res = await t.request("/config", { token: await passwordToken() });
    const body = (await res.json()) as SystemConfigView;
    expect(body.settings.security).toEqual({ require_admin_2fa: false });
    const pub = (await (await t.request("/config/public")).json()) as SystemConfigView;
    expect(pub.settings.security).toEqual({ require_admin_2fa: false });
  });

  test("while off, a password-only admin session is an admin; once on, it is refused until it has two factors", async () => {
    expect((await t.request("/dashboard", { token: await passwordToken() })).status).toBe(200);
    const on = await t.request("/config", {
      method: "PUT",
      json: { settings: { ...requiring(true), supported_currencies: ["usd", "eur"] } },
      token: await twoFactorToken(),
    });
    expect(on.status).toBe(200);
    expect(((await on.json()) as SystemConfigView).settings.security.require_admin_2fa).toBe(true);

    for (const path of ["/dashboard", "/config", "/audit-logs"]) {
      const refused = await t.request(path, { token: await passwordToken() });
      expect(refused.status).toBe(403);
      expect(await errorOf(refused)).toMatchObject({ type: "permission", code: "mfa_required" });
      // A token from before amr existed (no claim) counts as password-only.
      expect((await t.request(path, { token: await t.token("admin") })).status).toBe(403);
      expect((await t.request(path, { token: await twoFactorToken() })).status).toBe(200);
    }
    // Other roles are still just "forbidden": the rule says nothing about them.
    const customer = await t.request("/dashboard", { token: await t.token("customer") });
    expect((await errorOf(customer)).code).toBe("forbidden");
    // Everyone can read that the rule is on (the shell sends such an admin to enrol).
    const pub = (await (await t.request("/config/public")).json()) as SystemConfigView;
    expect(pub.settings.security.require_admin_2fa).toBe(true);

    const off = await t.request("/config", {
      method: "PUT",
      json: { settings: { ...requiring(false), supported_currencies: ["usd", "eur"] } },
      token: await twoFactorToken(),
    });
    expect(off.status).toBe(200);
    expect((await t.request("/dashboard", { token: await passwordToken() })).status).toBe(200);
  });
});
