import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseExposition } from "@payments/service-kit/testing";
import { eq } from "drizzle-orm";
import { payments } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { adapters, bodyOf, type Harness, harnessOnTestDb, newKey, type TestUser } from "./support.ts";

interface Report {
  scope: string;
  by_status: { status: string; currency: string; count: number; amount: number; amount_refunded: number }[];
  totals: {
    currency: string;
    count: number;
    volume: number;
    refunded: number;
    net: number;
    failed: number;
  }[];
  by_day: {
    date: string;
    currency: string;
    count: number;
    succeeded: number;
    failed: number;
    volume: number;
    refunded: number;
  }[];
  time_zone: string;
}
interface Payees {
  data: { id: string; name: string; email?: string }[];
}
interface OpenApiDoc {
  paths: Record<
    string,
    {
      post?: {
        description?: string;
        parameters?: { name: string }[];
        requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
      };
    }
  >;
}

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor", { name: "Acme Books" });
  admin = await h.user("admin");
}, 60_000);
afterAll(() => close());

/** Sets a payment's creation time (reports group by it). */
async function at(id: string, iso: string): Promise<void> {
  await h.core.db
    .update(payments)
    .set({ createdAt: new Date(iso) })
    .where(eq(payments.id, id as ApiPayment["id"]));
}

async function create(amount: number, by = customer): Promise<ApiPayment> {
  const res = await h.request("/", {
    token: by.token,
    key: newKey(),
    json: { payee_id: vendor.id, amount, currency: "usd" },
  });
  expect(res.status).toBe(201);
  return bodyOf<ApiPayment>(res);
}

describe(`reports, payee search, OpenAPI and metrics (${adapters})`, () => {
  test("reports: counts and sums by status from SQL; own vs platform-wide", async () => {
    const reporter = await h.user("customer");
    await create(1000, reporter);
    await create(1002, reporter);
    await create(3000, reporter);
    await h.drain();
    const mine = await bodyOf<Report>(await h.request("/reports/summary", { token: reporter.token }));
    expect(mine.scope).toBe("user");
    expect(mine.by_status).toEqual([
      { status: "failed", currency: "usd", count: 1, amount: 1002, amount_refunded: 0 },
      { status: "succeeded", currency: "usd", count: 2, amount: 4000, amount_refunded: 0 },
    ]);
    expect(mine.totals).toEqual([
      { currency: "usd", count: 3, volume: 4000, refunded: 0, net: 4000, failed: 1 },
    ]);
    await create(500);
    const platform = await bodyOf<Report>(
      await h.request("/reports/summary?currency=usd", { token: admin.token }),
    );
    expect(platform.scope).toBe("platform");
    expect(platform.totals[0]?.count).toBe(4);
    const empty = await bodyOf<Report>(
      await h.request("/reports/summary?currency=jpy", { token: reporter.token }),
    );
    expect(empty.by_status).toEqual([]);
    const bad = await h.request("/reports/summary?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", {
      token: reporter.token,
    });
    expect(bad.status).toBe(400);
  });

  test("payees: active vendors only, searchable by name, wildcards taken literally", async () => {
    const res = await h.request("/payees?query=acme", { token: customer.token });
    expect(res.status).toBe(200);
    const body = await bodyOf<Payees>(res);
    expect(body.data).toEqual([{ id: vendor.id, name: "Acme Books" }]);
    const wildcard = await bodyOf<Payees>(await h.request("/payees?query=%25", { token: customer.token }));
    expect(wildcard.data).toEqual([]);
    const all = await bodyOf<Payees>(await h.request("/payees", { token: customer.token }));
    expect(all.data.every((u) => u.id !== customer.id && u.id !== admin.id)).toBe(true);
  });

  test("payees: e-mail addresses only for admins, who alone can search by them", async () => {
    const shop = await h.user("vendor", { name: "Quiet Shop", email: "owner@quiet.example" });
    const byName = await bodyOf<Payees>(await h.request("/payees?query=quiet", { token: customer.token }));
    expect(byName.data).toEqual([{ id: shop.id, name: "Quiet Shop" }]);
    const byEmail = await bodyOf<Payees>(
      await h.request("/payees?query=owner%40quiet", { token: customer.token }),
    );
    expect(byEmail.data).toEqual([]);
    const asAdmin = await bodyOf<Payees>(
      await h.request("/payees?query=owner%40quiet", { token: admin.token }),
    );
    expect(asAdmin.data).toEqual([{ id: shop.id, name: "Quiet Shop", email: "owner@quiet.example" }]);
  });

  test("reports by day: calendar days of the asked time zone, with failures and refunds", async () => {
    const reporter = await h.user("customer");
    const a = await create(2000, reporter);
    const b = await create(1002, reporter);
    const c = await create(3000, reporter);
    await h.drain();
    // 23:30 UTC on 1 March is already 2 March in Zurich; 00:30 UTC on 2 March is 2 March in both.
    await at(a.id, "2026-03-01T23:30:00Z");
    await at(b.id, "2026-03-01T23:40:00Z");
    await at(c.id, "2026-03-02T00:30:00Z");
    const refund = await h.request(`/${c.id}/refunds`, {
      token: vendor.token,
      key: newKey(),
      json: { amount: 500 },
    });
    expect(refund.status).toBe(201);
    const range = "from=2026-02-25T00:00:00Z&to=2026-03-05T00:00:00Z";
    const utc = await bodyOf<Report>(await h.request(`/reports/summary?${range}`, { token: reporter.token }));
    expect(utc.time_zone).toBe("UTC");
    expect(utc.by_day).toEqual([
      { date: "2026-03-01", currency: "usd", count: 2, succeeded: 1, failed: 1, volume: 2000, refunded: 0 },
      { date: "2026-03-02", currency: "usd", count: 1, succeeded: 1, failed: 0, volume: 3000, refunded: 500 },
    ]);
    const zurich = await bodyOf<Report>(
      await h.request(`/reports/summary?${range}&time_zone=Europe/Zurich`, { token: reporter.token }),
    );
    expect(zurich.by_day).toEqual([
      { date: "2026-03-02", currency: "usd", count: 3, succeeded: 2, failed: 1, volume: 5000, refunded: 500 },
    ]);
    expect(zurich.totals).toEqual([
      { currency: "usd", count: 3, volume: 5000, refunded: 500, net: 4500, failed: 1 },
    ]);
    const badZone = await h.request("/reports/summary?time_zone=Mars/Olympus", { token: reporter.token });
    expect(badZone.status).toBe(400);
  });

  test("OpenAPI lists every route; metrics carry the business counters", async () => {
    const doc = await bodyOf<OpenApiDoc>(await h.request("/openapi.json"));
    const paths = Object.keys(doc.paths);
    for (const path of [
      "/",
      "/{id}",
      "/{id}/cancel",
      "/{id}/refunds",
      "/{id}/history",
      "/reports/summary",
      "/payees",
      "/export.csv",
    ]) {
      expect(paths).toContain(path);
    }
    expect(doc.paths["/"]?.post?.parameters?.some((p) => p.name === "idempotency-key")).toBe(true);
    // Clients learn that currency and amount depend on the live payment policy, and how a refusal looks.
    const create_ = doc.paths["/"]?.post;
    expect(create_?.description).toContain("unsupported_currency");
    expect(create_?.description).toContain("amount_out_of_range");
    const body = create_?.requestBody?.content["application/json"]?.schema.properties;
    expect(JSON.stringify(body?.currency)).toContain("supported_currencies");
    expect(JSON.stringify(body?.amount)).toContain("payment_limits");
    const p = await create(800);
    await h.request(`/${p.id}`, { token: customer.token });
    await h.request(`/${p.id}`, { token: customer.token });
    const families = parseExposition(await (await h.request("/metrics")).text());
    const names = families.map((f) => f.name);
    for (const name of [
      "payments_created_total",
      "payments_succeeded_total",
      "payments_failed_total",
      "payments_amount_minor_units",
      "payments_processor_latency_seconds",
      "payments_cache_lookups_total",
      "payments_idempotency_requests_total",
    ]) {
      expect(names).toContain(name);
    }
    const failed = families.find((f) => f.name === "payments_failed_total");
    expect(failed?.samples.some((s) => s.labels.code === "payment_declined")).toBe(true);
    const lookups = families.find((f) => f.name === "payments_cache_lookups_total");
    expect(lookups?.samples.some((s) => s.labels.result === "hit" && s.value > 0)).toBe(true);
  });
});
