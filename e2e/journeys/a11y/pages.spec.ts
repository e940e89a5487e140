/**
 * Every main page, as each kind of person meets it, through Caddy against the real services: 0 serious or
 * critical axe violations (desktop in light and dark colours, and at phone width with the menu closed and
 * open), and no sideways scroll at 390 and 360 px (document.documentElement.scrollWidth ≤ innerWidth).
 * Pages are filled first (support/main-pages.ts: payments in several states, a refund, an API key and a
 * webhook endpoint), so tables, charts and timelines are checked with content, not as empty states.
 */
import { test } from "../../support/fixtures.ts";
import { adminAccount, signIn } from "../../support/journeys.ts";
import { demoData, type MainPage, mainPages } from "../../support/main-pages.ts";
import { auditPage } from "./audit.ts";

/**
 * A page's checks are eight axe runs and four viewport changes: about 20 s on a quiet machine, over 60 s
 * on two cores shared with another suite. The limit grows with the pages so a busy machine is not a failure.
 */
const perPage = (pages: MainPage[]) => 60_000 + 90_000 * pages.length;

// The four people's pages are independent (each makes its own data): let both workers share them.
test.describe.configure({ mode: "parallel" });

test("signed-out pages: sign in, create an account, the API reference", async ({ page }, info) => {
  const pages = mainPages("").anonymous;
  test.setTimeout(perPage(pages));
  for (const target of pages) {
    await test.step(target.name, () => auditPage(page, target, info));
  }
});

test("a customer's pages: payments, a payment, new payment, reports, profile, preferences, sessions, notifications", async ({
  page,
}, info) => {
  test.setTimeout(perPage(mainPages("").customer));
  const data = await demoData({ customer: "Grace Hopper", vendor: "Harbour Café" });
  await signIn(page, data.customer);
  for (const target of mainPages(data.refundedId).customer) {
    await test.step(target.name, () => auditPage(page, target, info));
  }
});

test("a vendor's pages: payments received, reports, balance, developers, notifications", async ({
  page,
}, info) => {
  test.setTimeout(perPage(mainPages("").vendor));
  const data = await demoData({ customer: "Alan Turing", vendor: "Lumen Studio" });
  await signIn(page, data.vendor);
  for (const target of mainPages(data.refundedId).vendor) {
    await test.step(target.name, () => auditPage(page, target, info));
  }
});

test("an admin's pages: dashboard, users, audit log, configuration, ledger, payments", async ({
  page,
}, info) => {
  test.setTimeout(perPage(mainPages("").admin));
  await demoData({ customer: "Katherine Johnson", vendor: "Atlas Hardware" });
  await signIn(page, adminAccount());
  for (const target of mainPages("").admin) {
    await test.step(target.name, () => auditPage(page, target, info));
  }
});
