import { describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { avatarUrlSchema, countrySchema, localeSchema, phoneSchema } from "@payments/contracts/http";
import type { ProfileRow } from "../db/schema.ts";
import { isNewer, planAccountEvent } from "./account.ts";
import { describeDevice, formatAmount, mailLocaleOf } from "./notifications.ts";
import { preferenceChanges, profileChanges, toPreferencesView } from "./views.ts";

const user = {
  id: newId("usr"),
  email: "a@example.test",
  name: "Ada",
  role: "customer" as const,
  active: true,
  created_at: new Date().toISOString(),
};
const row = (over: Partial<ProfileRow> = {}): ProfileRow => ({
  userId: user.id,
  accountName: null,
  accountEmail: null,
  displayName: null,
  avatarUrl: null,
  phone: null,
  address: null,
  bio: null,
  status: "active",
  registeredAt: null,
  deactivatedAt: null,
  accountEventAt: null,
  accountEventId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});
const registered = (at: string) => ({
  ...createEvent({ type: "user.registered", producer: "auth", subject: user.id, data: user }),
  occurred_at: at,
});

describe("field validation", () => {
  test("avatar URLs: https on a domain only, normalised", () => {
    expect(avatarUrlSchema.parse("HTTPS://CDN.Example.com/a b.png")).toBe(
      "https://cdn.example.com/a%20b.png",
    );
    for (const bad of [
      "http://a.example/x",
      "data:image/png;base64,AA",
      "https://localhost/x",
      "ftp://a.example/x",
    ]) {
      expect(avatarUrlSchema.safeParse(bad).success).toBe(false);
    }
  });

  test("E.164 phones, BCP 47 locales, ISO countries", () => {
    expect(phoneSchema.safeParse("+14155550123").success).toBe(true);
    expect(phoneSchema.safeParse("+0123456789").success).toBe(false);
    expect(localeSchema.parse("de-ch")).toBe("de-CH");
    expect(localeSchema.parse("zh-hant-tw")).toBe("zh-Hant-TW");
    expect(localeSchema.safeParse("i-klingon").success).toBe(false);
    expect(countrySchema.parse(" de ")).toBe("DE");
    expect(countrySchema.safeParse("XX").success).toBe(false);
    expect(countrySchema.safeParse("EU").success).toBe(false);
  });
});

describe("account events", () => {
  test("newer by time, then by event id within the same millisecond", () => {
    const a = registered("2030-01-01T00:00:00.000Z");
    const b = registered("2030-01-01T00:00:00.000Z");
    const applied = row({ accountEventAt: new Date(a.occurred_at), accountEventId: a.id });
    expect(isNewer(applied, b)).toBe(true);
    expect(isNewer({ accountEventAt: new Date(b.occurred_at), accountEventId: b.id }, a)).toBe(false);
    expect(isNewer(row(), a)).toBe(true);
  });

  test("a stale registration records that it arrived but changes nothing else", () => {
    const plan = planAccountEvent(
      row({
        accountName: "Newer",
        accountEventAt: new Date("2030-01-02T00:00:00Z"),
        accountEventId: "evt_z",
      }),
      registered("2030-01-01T00:00:00.000Z"),
      "anonymise",
    );
    expect(plan?.set).toEqual({ registeredAt: new Date("2030-01-01T00:00:00.000Z") });
    expect(plan?.changedFields).toEqual([]);
  });
});

describe("changes", () => {
  test("profile: only real changes; empty strings clear", () => {
    const current = row({ bio: "x", address: { line1: "a", city: "b", country: "DE" } });
    expect(
      profileChanges(current, { bio: "x", address: { country: "DE", city: "b", line1: "a" } }).fields,
    ).toEqual([]);
    expect(profileChanges(current, { bio: "", phone: "+14155550123" })).toEqual({
      set: { bio: null, phone: "+14155550123" },
      fields: ["phone", "bio"],
    });
  });

  test("preferences: notifications merge and name the switches that changed", () => {
    const { next, fields } = preferenceChanges(toPreferencesView(undefined), {
      notifications: { product_news: true, security_alerts: true },
    });
    expect(next.notifications.product_news).toBe(true);
    expect(fields).toEqual(["preferences.notifications.product_news"]);
  });
});

describe("notification helpers", () => {
  test("devices read as a person names them; unknown agents as sent", () => {
    expect(
      describeDevice("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"),
    ).toBe("Chrome on Linux");
    expect(
      describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Safari/604.1"),
    ).toBe("Safari on iOS");
    expect(describeDevice("curl/8.5.0")).toBe("curl/8.5.0");
    expect(describeDevice(null)).toBe("an unknown browser");
  });

  test("amounts in the reader's locale and currency exponent; mail language from the preference", () => {
    expect(formatAmount(1234, "usd", "en-US")).toBe("$12.34");
    expect(formatAmount(500, "jpy", "en-US")).toBe("¥500");
    expect(mailLocaleOf("de-AT")).toBe("de");
    expect(mailLocaleOf("fr-FR")).toBe("en");
  });
});
