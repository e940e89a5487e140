/**
 * The platform's main pages and the data that fills them, shared by the accessibility journey
 * (journeys/a11y) and the screenshots (`bun run screenshots`): a customer and a vendor with readable names,
 * payments in the states a list shows (succeeded, failed, refunded in part, in two currencies), so tables,
 * charts and timelines are looked at with content rather than as empty states.
 */
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { type Account, str, TEST_PASSWORD } from "./api.ts";
import { api } from "./journeys.ts";

/** A page of the platform and how to tell it has finished loading. */
export interface MainPage {
  /** Short name, also the screenshot's file name (`payments-list`). */
  name: string;
  path: string;
  /** Its `h1`. */
  heading: RegExp | string;
}

/** Who sees a page. */
export type Viewer = "anonymous" | "customer" | "vendor" | "admin";

/** The main pages, by who sees them (`detail` is the payment the demo data refunded in part). */
export function mainPages(detail: string): Record<Viewer, MainPage[]> {
  return {
    anonymous: [
      { name: "sign-in", path: "/account/login", heading: "Sign in" },
      { name: "register", path: "/account/register", heading: "Create an account" },
      // Scalar's reference (ADR 0014); its first render compiles the whole document, seconds when busy.
      { name: "api-docs", path: "/api/docs", heading: "Payments platform API" },
    ],
    customer: [
      { name: "payments-list", path: "/payments", heading: /Payments/ },
      { name: "payment-detail", path: `/payments/${detail}`, heading: /./ },
      { name: "new-payment", path: "/payments/new", heading: "New payment" },
      { name: "reports", path: "/payments/reports", heading: "Reports" },
      { name: "profile", path: "/profile", heading: /Profile/ },
      { name: "preferences", path: "/preferences", heading: "Preferences" },
      { name: "sessions", path: "/account/sessions", heading: /Sessions/ },
      // Filled by the refund the demo data made (docs/adr/0028).
      { name: "customer-notifications", path: "/notifications", heading: "Notifications" },
    ],
    vendor: [
      { name: "vendor-payments", path: "/payments", heading: /Payments/ },
      { name: "vendor-reports", path: "/payments/reports", heading: "Reports" },
      // Pending money less fees, the balance transactions of the demo payments (docs/adr/0031).
      { name: "balance", path: "/payments/balance", heading: "Balance" },
      // The demo data's API key and webhook endpoint (docs/adr/0033, 0034).
      { name: "developers", path: "/account/developers", heading: "Developers" },
      // Filled by the demo payments the vendor received (docs/adr/0028).
      { name: "notifications", path: "/notifications", heading: "Notifications" },
    ],
    admin: [
      { name: "admin-dashboard", path: "/admin", heading: "Dashboard" },
      { name: "admin-users", path: "/admin/users", heading: "Users" },
      { name: "admin-audit", path: "/admin/audit", heading: "Audit log" },
      { name: "admin-config", path: "/admin/config", heading: "Configuration" },
      { name: "admin-ledger", path: "/admin/ledger", heading: "Ledger" },
      // Every payment on the platform, the admin's view of the payments remote.
      { name: "admin-payments", path: "/payments", heading: "All payments" },
    ],
  };
}

/** A verified account registered with a readable display name (unique e-mail). */
async function person(role: "customer" | "vendor", name: string): Promise<Account & { token: string }> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}-${randomUUID().slice(0, 8)}@example.com`;
  const res = await api.call("POST", "/api/auth/register", {
    body: { email, password: TEST_PASSWORD, name, role },
  });
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${res.text}`);
  await api.verifyEmail(email);
  const user = (res.json as { user?: unknown }).user;
  return {
    id: str(user, "id"),
    email,
    password: TEST_PASSWORD,
    name,
    role,
    token: str(res.json, "access_token"),
  };
}

/** What {@link demoData} made. */
export interface DemoData {
  customer: Account & { token: string };
  vendor: Account & { token: string };
  /** A payment refunded in part: the detail page's richest timeline. */
  refundedId: string;
}

/**
 * A customer paying a vendor: four payments (one declined by the simulator: an amount ending in 02), two
 * currencies, one refunded in part, each with a description, all settled before this returns.
 */
export async function demoData(
  names = { customer: "Ada Lovelace", vendor: "Northwind Books" },
): Promise<DemoData> {
  const customer = await person("customer", names.customer);
  const vendor = await person("vendor", names.vendor);
  const payments: Array<[number, string, string]> = [
    [12_50, "usd", "Two paperbacks"],
    [40_00, "eur", "Atlas of the northern seas"],
    [9_02, "usd", "Bookmark set"],
    [75_00, "usd", "Gift card"],
  ];
  const ids: string[] = [];
  for (const [amount, currency, description] of payments) {
    for (const deadline = Date.now() + 10_000; ; ) {
      const res = await api.call("POST", "/api/payments", {
        token: customer.token,
        body: { payee_id: vendor.id, amount, currency, description },
        headers: { "idempotency-key": randomUUID() },
      });
      if (res.status === 201) {
        ids.push(str(res.json, "id"));
        break;
      }
      // The payments service learns of the vendor and the confirmed addresses from events.
      if (Date.now() > deadline) throw new Error(`payment not created: ${res.status} ${res.text}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const [first = "", second = "", failing = "", last = ""] = ids;
  for (const id of [first, second, last]) await api.waitForStatus(customer.token, id, ["succeeded"]);
  await api.waitForStatus(customer.token, failing, ["failed"]);
  const refund = await api.call("POST", `/api/payments/${last}/refunds`, {
    token: vendor.token,
    body: { amount: 25_00, reason: "One card returned unused" },
    headers: { "idempotency-key": randomUUID() },
  });
  if (refund.status !== 201) throw new Error(`refund: ${refund.status} ${refund.text}`);
  await api.waitForStatus(customer.token, last, ["partially_refunded"]);
  await developerSetup(vendor.token);
  return { customer, vendor, refundedId: last };
}

/**
 * The vendor's Developers page with content: an API key that reads payments and a webhook endpoint. The
 * endpoint's host is a reserved name (RFC 2606) that never resolves: its deliveries fail, which is a state
 * the delivery log shows too; the endpoint is made after the demo payments, so none is due yet.
 */
async function developerSetup(token: string): Promise<void> {
  const key = await api.call("POST", "/api/auth/api-keys", {
    token,
    body: { name: "Shop backend", scopes: ["payments:read"] },
  });
  if (key.status !== 201) throw new Error(`API key: ${key.status} ${key.text}`);
  const endpoint = await api.call("POST", "/api/auth/webhook-endpoints", {
    token,
    body: {
      url: "https://orders.example.com/hooks",
      events: ["payment.succeeded", "refund.succeeded"],
      description: "Order system",
    },
  });
  if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.status} ${endpoint.text}`);
}

/** Opens `target` and waits until its heading shows and nothing is loading any more. */
export async function openPage(page: Page, target: MainPage): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(target.path);
      break;
    } catch (error) {
      // Another suite's containers bring a network bridge up or down: Chromium drops the navigation.
      // That is the machine, not the page (the guard allows it too); go again.
      if (attempt >= 3 || !String(error).includes("ERR_NETWORK_CHANGED")) throw error;
    }
  }
  await expect(page.getByRole("heading", { level: 1, name: target.heading })).toBeVisible({
    timeout: 30_000,
  });
  await waitForQuiet(page);
}

/** No spinner on the page (data and lazily loaded charts have arrived). */
export async function waitForQuiet(page: Page): Promise<void> {
  await expect(page.locator(".ui-spinner")).toHaveCount(0, { timeout: 20_000 });
}
