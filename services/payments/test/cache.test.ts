import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseExposition } from "@payments/service-kit/testing";
import { loadPage, loadPayment, pageEntry, pageKey, refillsSettled } from "../src/actions/cached-views.ts";
import { paymentKey } from "../src/core.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  type Page,
  type TestUser,
} from "./support.ts";

// The cache's rules after a committed change (docs/adr/0037): the change's views are written through in the
// background (`refillsSettled`), so once that caught up the next read is a hit that shows the change;
// before it, a read misses and loads the change itself; nothing loaded before the change is stored after it.
let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor");
}, 60_000);
afterAll(() => close());

async function create(amount: number): Promise<ApiPayment> {
  const res = await h.request("/", {
    token: customer.token,
    key: newKey(),
    json: { payee_id: vendor.id, amount, currency: "usd" },
  });
  expect(res.status).toBe(201);
  return bodyOf<ApiPayment>(res);
}

const detail = async (id: string, token = customer.token) =>
  bodyOf<ApiPayment>(await h.request(`/${id}`, { token }));
const page = async (token: string) => bodyOf<Page>(await h.request("/?limit=5", { token }));
const cancel = (id: string) => h.request(`/${id}/cancel`, { method: "POST", token: customer.token });

/** `payments_cache_lookups_total` by resource and result, now. */
async function lookups(): Promise<Record<string, number>> {
  const families = parseExposition(await (await h.request("/metrics")).text());
  const counts: Record<string, number> = {};
  for (const s of families.find((f) => f.name === "payments_cache_lookups_total")?.samples ?? []) {
    counts[`${s.labels.resource} ${s.labels.result}`] = s.value;
  }
  return counts;
}

/** The lookups between two scrapes, without the unchanged ones. */
function moved(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const step = value - (before[key] ?? 0);
    if (step > 0) out[key] = step;
  }
  return out;
}

const customerPage = () => ({
  scope: { kind: "user" as const, userId: customer.id },
  limit: 5,
});

describe(`payments cache write-through (${adapters})`, () => {
  test("a create and each transition leave their new views cached: the next reads hit and show them", async () => {
    await page(customer.token);
    await page(vendor.token);
    const p = await create(4_200);
    await refillsSettled(h.core);
    const start = await lookups();
    // The creator's next reads show the payment, from the cache.
    expect((await page(customer.token)).data[0]).toMatchObject({ id: p.id, status: "pending" });
    expect((await page(vendor.token)).data[0]).toMatchObject({ id: p.id, status: "pending" });
    expect(await detail(p.id)).toMatchObject({ status: "pending" });
    expect(moved(start, await lookups())).toEqual({ "list hit": 2, "payment hit": 1 });

    // The worker's two transitions (pending → processing → succeeded) are written through as well.
    await h.drain();
    await refillsSettled(h.core);
    const settled = await lookups();
    expect(await detail(p.id, vendor.token)).toMatchObject({ status: "succeeded" });
    expect((await page(customer.token)).data[0]).toMatchObject({ id: p.id, status: "succeeded" });
    expect((await page(vendor.token)).data[0]).toMatchObject({ id: p.id, status: "succeeded" });
    expect(moved(settled, await lookups())).toEqual({ "list hit": 2, "payment hit": 1 });
  });

  test("a user's own change through the API is what they read next", async () => {
    const p = await create(4_300);
    expect(await detail(p.id)).toMatchObject({ status: "pending" });
    expect((await cancel(p.id)).status).toBe(200);
    // Read-your-writes holds at once (the cancel's answer came after the invalidation): a miss or a hit, the
    // new status either way.
    expect(await detail(p.id)).toMatchObject({ status: "canceled" });
    await refillsSettled(h.core);
    const before = await lookups();
    expect(await detail(p.id)).toMatchObject({ status: "canceled" });
    expect((await page(customer.token)).data[0]).toMatchObject({ id: p.id, status: "canceled" });
    expect(moved(before, await lookups())).toEqual({ "list hit": 1, "payment hit": 1 });
  });

  test("a reader that loaded before a change cannot store its copy after the change", async () => {
    const p = await create(4_400);
    await h.cache.del(paymentKey(p.id));
    // The reader misses, reads the row, and the customer cancels before the reader stores what it read.
    const stale = await h.cache.wrap(paymentKey(p.id), async () => {
      const old = await loadPayment(h.core, p.id);
      expect((await cancel(p.id)).status).toBe(200);
      return old;
    });
    await refillsSettled(h.core);
    expect(stale?.status).toBe("pending");
    expect(await h.cache.get<ApiPayment>(paymentKey(p.id))).toMatchObject({ status: "canceled" });
    expect(await detail(p.id)).toMatchObject({ status: "canceled" });

    // The same race on a list page.
    const q = await create(4_500);
    const key = pageKey(customerPage());
    await h.cache.del(key);
    await h.cache.wrap(
      key,
      async () => {
        const old = await loadPage(h.core, customerPage());
        expect((await cancel(q.id)).status).toBe(200);
        return old;
      },
      pageEntry(customer.id),
    );
    expect((await page(customer.token)).data[0]).toMatchObject({ id: q.id, status: "canceled" });
  });

  test("a write-through fill that a newer change overtook is not stored over that change's view", async () => {
    const p = await create(4_600);
    // The create's fill read `pending`; the cancel commits and writes `canceled` through before it stores.
    await h.cache.fill(paymentKey(p.id), async () => {
      const old = await loadPayment(h.core, p.id);
      expect((await cancel(p.id)).status).toBe(200);
      await refillsSettled(h.core);
      return old;
    });
    expect(await h.cache.get<ApiPayment>(paymentKey(p.id))).toMatchObject({ status: "canceled" });
    const key = pageKey(customerPage());
    await h.cache.fill(
      key,
      async () => {
        const old = await loadPage(h.core, customerPage());
        await create(4_700);
        await refillsSettled(h.core);
        return old;
      },
      pageEntry(customer.id),
    );
    const cached = await h.cache.get<Page>(key);
    // The create's own fill (the new first page), never the page from before it.
    expect(cached?.data[0]?.amount).toBe(4_700);
    expect((await page(customer.token)).data[0]).toMatchObject({ amount: 4_700 });
  });
});
