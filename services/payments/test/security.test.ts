import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  createTokenMinter,
  errorOf,
  type Harness,
  type History,
  harnessOnTestDb,
  newKey,
  type Page,
  type TestUser,
} from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let alice: TestUser;
let mallory: TestUser;
let vendor: TestUser;
let otherVendor: TestUser;
let admin: TestUser;
let pending: ApiPayment;
let settled: ApiPayment;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  alice = await h.user("customer");
  mallory = await h.user("customer");
  vendor = await h.user("vendor");
  otherVendor = await h.user("vendor");
  admin = await h.user("admin");
  const create = async (amount: number) =>
    bodyOf<ApiPayment>(
      await h.request("/", {
        token: alice.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount, currency: "usd" },
      }),
    );
  settled = await create(5000);
  await h.drain();
  pending = await create(6000);
  // Mallory has payments of her own, so her lists and reports are not trivially empty.
  await h.request("/", {
    token: mallory.token,
    key: newKey(),
    json: { payee_id: otherVendor.id, amount: 777, currency: "usd" },
  });
}, 60_000);
afterAll(() => close());

/** Every payment route that names a payment, as a request by `token`. */
function paymentRoutes(id: string, token: string): Array<[string, () => Promise<Response>]> {
  return [
    [`GET /${id}`, () => h.request(`/${id}`, { token })],
    [`GET /${id}/history`, () => h.request(`/${id}/history`, { token })],
    [`POST /${id}/cancel`, () => h.request(`/${id}/cancel`, { method: "POST", token, json: {} })],
    [`POST /${id}/refunds`, () => h.request(`/${id}/refunds`, { token, key: newKey(), json: { amount: 1 } })],
  ];
}

describe(`BOLA: another user's payments are invisible on every route (${adapters})`, () => {
  test("a second customer gets the same 404 as for a payment that does not exist", async () => {
    for (const target of [pending, settled]) {
      for (const [name, call] of paymentRoutes(target.id, mallory.token)) {
        const res = await call();
        expect({ name, status: res.status }).toEqual({ name, status: 404 });
        expect(await errorOf(res)).toMatchObject({ type: "not_found", code: "payment_not_found" });
      }
    }
    for (const [name, call] of paymentRoutes(newId("pay"), mallory.token)) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 404 });
      expect(await errorOf(res)).toMatchObject({ type: "not_found", code: "payment_not_found" });
    }
  });

  test("a vendor who is not the payee is refused the same way", async () => {
    for (const [name, call] of paymentRoutes(settled.id, otherVendor.token)) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 404 });
    }
  });

  test("nothing changed through those attempts", async () => {
    expect((await bodyOf<ApiPayment>(await h.request(`/${pending.id}`, { token: alice.token }))).status).toBe(
      "pending",
    );
    const history = await bodyOf<History>(await h.request(`/${settled.id}/history`, { token: admin.token }));
    expect(history.refunds).toEqual([]);
    expect(
      (await bodyOf<ApiPayment>(await h.request(`/${settled.id}`, { token: vendor.token }))).amount_refunded,
    ).toBe(0);
  });

  test("lists never include them, and asking for another user's list is refused", async () => {
    const all = await bodyOf<Page>(await h.request("/?limit=100", { token: mallory.token }));
    expect(all.data.length).toBeGreaterThan(0);
    expect(all.data.every((p) => p.payer_id === mallory.id || p.payee_id === mallory.id)).toBe(true);
    for (const role of ["payer", "payee"]) {
      const page = await bodyOf<Page>(await h.request(`/?role=${role}`, { token: mallory.token }));
      expect(page.data.some((p) => p.id === pending.id || p.id === settled.id)).toBe(false);
    }
    const asAlice = await h.request(`/?user_id=${alice.id}`, { token: mallory.token });
    expect(asAlice.status).toBe(403);
  });

  test("reports only count her own payments", async () => {
    const report = await bodyOf<{
      totals: {
        currency: string;
        count: number;
        volume: number;
        refunded: number;
        net: number;
        failed: number;
      }[];
    }>(await h.request("/reports/summary", { token: mallory.token }));
    expect(report.totals).toEqual([{ currency: "usd", count: 1, volume: 0, refunded: 0, net: 0, failed: 0 }]);
  });

  test("the payer, the payee and admins do see the payment", async () => {
    for (const token of [alice.token, vendor.token, admin.token]) {
      expect((await h.request(`/${settled.id}`, { token })).status).toBe(200);
      expect((await h.request(`/${settled.id}/history`, { token })).status).toBe(200);
    }
  });
});

describe("authentication", () => {
  const routes = (id: string): Array<[string, string]> => [
    ["POST", "/"],
    ["GET", "/"],
    ["GET", `/${id}`],
    ["POST", `/${id}/cancel`],
    ["POST", `/${id}/refunds`],
    ["GET", `/${id}/history`],
    ["GET", "/reports/summary"],
    ["GET", "/payees"],
  ];

  test("every route needs a token", async () => {
    for (const [method, path] of routes(settled.id)) {
      const res = await h.app.request(path, { method });
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 401 });
    }
  });

  test("a token signed by another key, or not a JWT, is refused", async () => {
    const forger = await createTokenMinter();
    const forged = await forger.mint(alice.id, "admin");
    for (const token of [forged, "not.a.jwt", `${alice.token}x`]) {
      const res = await h.request(`/${settled.id}`, { token });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toMatchObject({ type: "authentication" });
    }
  });

  test("responses are never cached by browsers or proxies", async () => {
    const res = await h.request(`/${settled.id}`, { token: alice.token });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
