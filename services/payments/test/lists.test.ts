import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { paymentsCsv } from "../src/actions/export.ts";
import { paymentKey } from "../src/core.ts";
import { payments, userDirectory } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  errorOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  type Page,
  type TestUser,
} from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let dana: TestUser;
let eli: TestUser;
let books: TestUser;
let cafe: TestUser;
let admin: TestUser;
/** Dana's payments as created, oldest first. */
const made: ApiPayment[] = [];

const DAY_MS = 24 * 3600_000;

async function pay(
  by: TestUser,
  to: TestUser,
  amount: number,
  extra: { currency?: string; description?: string } = {},
): Promise<ApiPayment> {
  const res = await h.request("/", {
    token: by.token,
    key: newKey(),
    json: { payee_id: to.id, amount, currency: extra.currency ?? "usd", description: extra.description },
  });
  expect(res.status).toBe(201);
  return bodyOf<ApiPayment>(res);
}

/** Moves a payment's creation back in time, as the demo seed's backdated payments are. */
async function backdate(id: string, daysAgo: number): Promise<void> {
  await h.core.db
    .update(payments)
    .set({ createdAt: new Date(Date.now() - daysAgo * DAY_MS) })
    .where(eq(payments.id, id as ApiPayment["id"]));
}

async function list(query: string, token = dana.token): Promise<Page> {
  const res = await h.request(`/?${query}`, { token });
  expect(res.status).toBe(200);
  return bodyOf<Page>(res);
}
const ids = (page: Page) => page.data.map((p) => p.id);
/** The id of the `i`-th payment made in `beforeAll`. */
function id(i: number): ApiPayment["id"] {
  const payment = made[i];
  if (!payment) throw new Error(`no payment ${i}`);
  return payment.id;
}

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  dana = await h.user("customer", { name: "Dana Buyer" });
  eli = await h.user("customer", { name: "Eli Shopper" });
  books = await h.user("vendor", { name: "Northwind Books" });
  cafe = await h.user("vendor", { name: "Blue Bottle Café" });
  admin = await h.user("admin");
  made.push(await pay(dana, books, 1_000, { description: "Atlas of birds" }));
  made.push(await pay(dana, cafe, 450, { description: "Two flat whites" }));
  made.push(await pay(dana, books, 25_000, { currency: "eur" }));
  made.push(await pay(dana, cafe, 1_002, { description: "100% arabica" }));
  made.push(await pay(eli, books, 3_000, { description: "Eli's order" }));
  await h.drain();
  // The first payment becomes 40 days old: its id is still older than the others', and a second,
  // "seeded" one made last gets a newer id than all of them but a time 60 days back.
  await backdate(made[0]?.id ?? "", 40);
  const seeded = await pay(dana, books, 700, { description: "Seeded long ago" });
  await backdate(seeded.id, 60);
  made.push(seeded);
}, 60_000);
afterAll(() => close());

describe(`payment lists: newest first by time, names, filters, search (${adapters})`, () => {
  test("ordered by creation time, not by id: a backdated payment sorts by its time", async () => {
    // made: 0 old (40 days back), 1 flat, 2 eur, 3 arabica, 4 Eli's, 5 seeded (60 days back, newest id).
    expect(ids(await list("limit=100"))).toEqual([id(3), id(2), id(1), id(0), id(5)]);
  });

  test("cursor pages are stable, both ways, and a new payment does not shift them", async () => {
    const all = ids(await list("limit=100"));
    const first = await list("limit=2");
    expect(ids(first)).toEqual(all.slice(0, 2));
    expect(first.has_more).toBe(true);
    // A payment created meanwhile lands on top, not in the pages already being walked.
    const fresh = await pay(dana, cafe, 300, { description: "Fresh" });
    const second = await list(`limit=2&starting_after=${all[1]}`);
    expect(ids(second)).toEqual(all.slice(2, 4));
    const third = await list(`limit=2&starting_after=${all[3]}`);
    expect(ids(third)).toEqual(all.slice(4));
    expect(third.has_more).toBe(false);
    const back = await list(`limit=2&ending_before=${all[4]}`);
    expect(ids(back)).toEqual(all.slice(2, 4));
    expect(ids(await list("limit=1"))).toEqual([fresh.id]);
    await h.request(`/${fresh.id}/cancel`, { method: "POST", token: dana.token });
  });

  test("every answer names the payer and the payee; the vendor sees who paid", async () => {
    const detail = await bodyOf<ApiPayment>(await h.request(`/${id(1)}`, { token: dana.token }));
    expect(detail).toMatchObject({ payer_name: "Dana Buyer", payee_name: "Blue Bottle Café" });
    const received = await list("limit=100", books.token);
    expect(new Set(received.data.map((p) => p.payer_name))).toEqual(new Set(["Dana Buyer", "Eli Shopper"]));
    expect(received.data.every((p) => p.payee_name === "Northwind Books")).toBe(true);
  });

  test("create and cancel answer with names; a party the directory does not know is null", async () => {
    const created = await pay(dana, cafe, 5_500);
    expect(created).toMatchObject({ payer_name: "Dana Buyer", payee_name: "Blue Bottle Café" });
    const canceled = await h.request(`/${created.id}/cancel`, { method: "POST", token: dana.token });
    expect(await bodyOf<ApiPayment>(canceled)).toMatchObject({
      status: "canceled",
      payer_name: "Dana Buyer",
    });
    // A user the directory no longer knows (its copy was lost, the seed's demo users) reads as null.
    const ghost = await h.user("customer", { name: "Ghost" });
    const haunted = await pay(ghost, books, 9_900);
    await h.core.db.delete(userDirectory).where(eq(userDirectory.id, ghost.id));
    // The create wrote its detail through to the cache with the name of then; names follow at expiry.
    await h.core.cache.del(paymentKey(haunted.id));
    const read = await h.request(`/${haunted.id}`, { token: books.token });
    expect(await bodyOf<ApiPayment>(read)).toMatchObject({ payer_name: null, payee_name: "Northwind Books" });
  });

  test("filters: status, time and amount ranges, currency, counterparty, direction", async () => {
    expect(ids(await list("status=failed"))).toEqual([id(3)]);
    const since = new Date(Date.now() - 10 * DAY_MS).toISOString();
    expect(ids(await list(`created[lte]=${since}`))).toEqual([id(0), id(5)]);
    expect(ids(await list("amount[gte]=450&amount[lte]=1000"))).toEqual([id(1), id(0), id(5)]);
    expect(ids(await list("currency=eur"))).toEqual([id(2)]);
    const withCafe = await list(`counterparty=${cafe.id}&status=succeeded`);
    expect(ids(withCafe)).toEqual([id(1)]);
    // The vendor's counterparty filter: the payments from one customer.
    expect((await list(`counterparty=${eli.id}`, books.token)).data.map((p) => p.payer_name)).toEqual([
      "Eli Shopper",
    ]);
    // Admins: the payments with that user on either side.
    const adminView = await list(`counterparty=${eli.id}`, admin.token);
    expect(adminView.data.map((p) => p.description)).toEqual(["Eli's order"]);
    expect((await list("role=payee")).data).toEqual([]);
  });

  test("search: description or a party's name, any case, wildcards literal, or a payment id", async () => {
    expect(ids(await list("q=ATLAS"))).toEqual([id(0)]);
    expect(ids(await list("q=bottle&status=succeeded"))).toEqual([id(1)]);
    expect(ids(await list("q=100%25"))).toEqual([id(3)]);
    expect(ids(await list("q=%25"))).toEqual([id(3)]);
    expect(ids(await list(`q=${id(1)}`))).toEqual([id(1)]);
    expect((await list("q=dana", books.token)).data.every((p) => p.payer_name === "Dana Buyer")).toBe(true);
    // A blank search box is no search.
    expect((await list("q=&limit=100")).data.length).toBeGreaterThan(4);
  });

  test("bad filters are 400 naming the parameter; others' payments stay invisible", async () => {
    for (const [query, param] of [
      ["amount[gte]=-1", "amount[gte]"],
      ["amount[gte]=1.5", "amount[gte]"],
      ["currency=EUR", "currency"],
      ["counterparty=pay_1", "counterparty"],
      [`q=${"x".repeat(101)}`, "q"],
    ] as const) {
      const res = await h.request(`/?${query}`, { token: dana.token });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).param).toBe(param);
    }
    const reversed = await h.request("/?amount[gte]=10&amount[lte]=5", { token: dana.token });
    expect(reversed.status).toBe(400);
    // Eli's payment is found by no filter of Dana's, not even by its id.
    expect((await list(`q=${id(4)}`)).data).toEqual([]);
  });
});

describe(`CSV export (${adapters})`, () => {
  const csv = async (query: string, token = dana.token) => {
    const res = await h.request(`/export.csv?${query}`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="payments-.+\.csv"$/);
    return (await res.text()).trimEnd().split("\r\n");
  };

  test("the filtered list, newest first, with names and amounts in major units", async () => {
    const [header, ...rows] = await csv("currency=usd&status=succeeded");
    expect(header).toBe(
      "id,created_at,status,payer_id,payer_name,payee_id,payee_name,currency,amount,amount_refunded," +
        "description,failure_reason",
    );
    const listed = await list("currency=usd&status=succeeded&limit=100");
    expect(rows.map((r) => r.split(",")[0])).toEqual(ids(listed));
    const flat = rows.find((r) => r.startsWith(id(1)));
    expect(flat).toContain(",Dana Buyer,");
    expect(flat).toContain(",Blue Bottle Café,usd,4.50,0.00,Two flat whites,");
  });

  test("failures in words; formula-looking text is defused; customers see only theirs", async () => {
    const formula = await pay(dana, books, 1_250, { description: '=HYPERLINK("x")' });
    const rows = await csv("");
    expect(rows.find((r) => r.startsWith(formula.id))).toContain(`"'=HYPERLINK(""x"")"`);
    expect(rows.find((r) => r.startsWith(id(3)))).toContain(
      "The payment processor declined this payment. No money was taken.",
    );
    expect(rows.some((r) => r.startsWith(id(4)))).toBe(false);
    const forbidden = await h.request(`/export.csv?user_id=${eli.id}`, { token: dana.token });
    expect(forbidden.status).toBe(403);
    const admins = await csv(`user_id=${eli.id}`, admin.token);
    expect(admins.slice(1).map((r) => r.split(",")[0])).toEqual([id(4)]);
  });

  test("every matching row, however many batches it takes", async () => {
    const all = ids(await list("limit=100"));
    const text = await new Response(
      paymentsCsv(h.core, { scope: { kind: "user", userId: dana.id } }, 2),
    ).text();
    const rows = text.trimEnd().split("\r\n").slice(1);
    expect(rows.map((r) => r.split(",")[0])).toEqual(all);
  });
});
