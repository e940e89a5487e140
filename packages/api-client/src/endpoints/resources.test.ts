import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { dashboardSchema } from "./resources.ts";

/** What services/admin serves at GET /dashboard (its DashboardView), trimmed to two buckets. */
const served = {
  generated_at: "2026-11-22T06:00:00.000Z",
  payments: {
    by_status: [
      { status: "succeeded", currency: "usd", count: 3, amount: 4500, amount_refunded: 0 },
      { status: "failed", currency: "eur", count: 1, amount: 1002, amount_refunded: 0 },
    ],
    volume: [],
  },
  last_24h: {
    failures: [{ kind: "payment", code: "card_declined", currency: "eur", count: 1, amount: 1002 }],
    registrations: 2,
    sessions_revoked: 0,
    events: 12,
  },
  active_users: { window_minutes: 15, count: 2 },
  active_sessions: 5,
  series: {
    minute: [
      {
        bucket_start: "2026-11-22T05:59:00.000Z",
        metric: "payments",
        label: "succeeded",
        currency: "usd",
        count: 3,
        amount: 4500,
      },
      {
        bucket_start: "2026-11-22T05:59:00.000Z",
        metric: "events",
        label: "payment.succeeded",
        currency: "",
        count: 3,
        amount: 0,
      },
    ],
    day: [],
  },
};

describe("dashboardSchema", () => {
  it("reads the admin service's dashboard into headline totals and payment series", () => {
    const d = v.parse(dashboardSchema, served);
    expect(d.totals.map((t) => `${t.status}/${t.currency}/${t.count}`)).toEqual([
      "succeeded/usd/3",
      "failed/eur/1",
    ]);
    expect(d.active_sessions).toBe(5);
    expect(d.active_users).toBe(2);
    expect(d.failures).toBe(1);
    expect(d.per_minute).toEqual([
      { bucket: "2026-11-22T05:59:00.000Z", status: "succeeded", currency: "usd", count: 3, amount: 4500 },
    ]);
    expect(d.per_day).toEqual([]);
  });
});
