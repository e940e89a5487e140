import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseExposition } from "@payments/service-kit/testing";
import type { ApiPayment } from "../src/domain/views.ts";
import { adapters, bodyOf, type Harness, harnessOnTestDb, newKey, type TestUser } from "./support.ts";

interface Report {
  scope: string;
  by_status: { status: string; currency: string; count: number; amount: number; amount_refunded: number }[];
  totals: { currency: string; count: number; volume: number; refunded: number; net: number }[];
}
interface Payees {
  data: { id: string; name: string; email: string }[];
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
    expect(mine.totals).toEqual([{ currency: "usd", count: 3, volume: 4000, refunded: 0, net: 4000 }]);
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
    expect(body.data).toEqual([{ id: vendor.id, name: "Acme Books", email: expect.any(String) }]);
    const wildcard = await bodyOf<Payees>(await h.request("/payees?query=%25", { token: customer.token }));
    expect(wildcard.data).toEqual([]);
    const all = await bodyOf<Payees>(await h.request("/payees", { token: customer.token }));
    expect(all.data.every((u) => u.id !== customer.id && u.id !== admin.id)).toBe(true);
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
    expect(failed?.samples.some((s) => s.labels.code === "card_declined")).toBe(true);
    const lookups = families.find((f) => f.name === "payments_cache_lookups_total");
    expect(lookups?.samples.some((s) => s.labels.result === "hit" && s.value > 0)).toBe(true);
  });
});
