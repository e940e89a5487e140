/**
 * Helpers for the browser journeys: accounts made through the API (fast, one set per test so journeys
 * never see each other's payments), browser contexts configured like the project's, and sign-in through
 * the real login form.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page, type TestInfo } from "@playwright/test";
import { type Account, Api } from "./api.ts";
import { readE2eEnv, usersFile } from "./config.ts";
import { activeGuard } from "./fixtures.ts";

/** The API as the journeys use it (direct to the gateway: setting up data is not what they test). */
export const api = new Api("gateway");

/** A short unique word: names in the payee search and descriptions in lists. */
export function uniqueWord(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

/** A fresh customer and vendor whose names are unique (the payee search finds exactly this vendor). */
export async function freshPair(): Promise<{
  customer: Account & { token: string };
  vendor: Account & { token: string };
  vendorWord: string;
}> {
  const vendorWord = uniqueWord("shop");
  const customer = await api.register("customer", uniqueWord("buyer"));
  const vendor = await api.register("vendor", vendorWord);
  // The payee search reads the payments service's copy of the users, filled from `user.registered`:
  // journeys start once the vendor can be found, as a person would only look for them after signing up.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await api.call("GET", `/api/payments/payees?query=${vendorWord}`, { token: customer.token });
    const found = (res.json as { data?: Array<{ id: string }> } | undefined)?.data?.some(
      (p) => p.id === vendor.id,
    );
    if (found) break;
    if (Date.now() > deadline) throw new Error(`vendor ${vendorWord} never became searchable: ${res.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { customer, vendor, vendorWord };
}

/** The seeded admin. */
export function adminAccount(): Account {
  const env = readE2eEnv();
  return { id: "", email: env.adminEmail, password: env.adminPassword, name: "Administrator", role: "admin" };
}

/** Where the setup project saves a role's browser state (cookies, storage) after signing in. */
export function storageStateFile(role: "customer" | "vendor" | "admin"): string {
  return join(readE2eEnv().dir, `storage-${role}.json`);
}

/** Accounts the setup project registered through the UI. */
export function setupUsers(): Record<"customer" | "vendor" | "admin", Account> {
  return JSON.parse(readFileSync(usersFile(readE2eEnv()), "utf8")) as Record<
    "customer" | "vendor" | "admin",
    Account
  >;
}

/**
 * A new context with the project's settings (a second device, a second user), watched by the running
 * test's guard like its own pages.
 */
export async function newContext(
  browser: Browser,
  info: TestInfo,
  storageState?: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: String(info.project.use.baseURL),
    ...(storageState ? { storageState } : {}),
  });
  activeGuard()?.watchContext(context);
  return context;
}

/** Signs in through the login form and waits for the role's start page. */
export async function signIn(
  page: Page,
  account: Pick<Account, "email" | "password" | "role">,
): Promise<void> {
  await page.goto("/account/login");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password").fill(account.password);
  await form.getByRole("button", { name: "Sign in" }).click();
  // Sign-in hashes the password (argon2id) and loads the role's remote: on two busy cores (the other worker
  // running axe, say) that has taken over 10 s, the default wait.
  await expect(page).toHaveURL(account.role === "admin" ? /\/admin$/ : /\/payments$/, { timeout: 30_000 });
  // On a phone the account links and Sign out are behind the header's menu button.
  await expect(page.getByRole("button", { name: "Sign out", exact: true }).or(shellMenu(page))).toBeVisible();
}

/** The shell's menu button (a phone's header); the API reference has a "Menu" of its own. */
export function shellMenu(page: Page) {
  return page.locator("header.shell-header").getByRole("button", { name: "Menu" });
}

/** The button with the person's name that opens the account's links (ADR 0042). */
export function accountMenu(page: Page) {
  return page.locator("header.shell-header").getByRole("button", { name: /^Account:/ });
}

/**
 * Follows one of the account's links. They open from the person's name in the header (inside the header's
 * menu on a phone), as a person reaches them; an open menu or list is left as it is.
 */
export async function openAccountLink(
  page: Page,
  name: "Profile" | "Preferences" | "Sessions" | "Security",
): Promise<void> {
  const menu = shellMenu(page);
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  const account = accountMenu(page);
  if ((await account.getAttribute("aria-expanded")) !== "true") await account.click();
  await page.locator("header.shell-header").getByRole("link", { name, exact: true }).click();
}

/** Fills the new-payment form: vendor by search, amount in major units, a description to find it by. */
export async function fillPayment(
  page: Page,
  vendorWord: string,
  amount: string,
  description: string,
): Promise<void> {
  await page.goto("/payments/new");
  const form = page.getByRole("form", { name: "New payment" });
  await form.getByRole("combobox", { name: "Pay to" }).fill(vendorWord);
  await page.getByRole("option", { name: new RegExp(vendorWord) }).click();
  await expect(form.getByText(/^Paying /)).toBeVisible();
  await form.getByLabel(/^Amount/).fill(amount);
  await form.getByLabel("Description (optional)").fill(description);
}

/** The currencies the platform accepts now (`supported_currencies` of the public configuration). */
export async function supportedCurrencies(): Promise<string[]> {
  const res = await api.call("GET", "/api/admin/config/public");
  const list = (res.json as { settings?: { supported_currencies?: unknown } } | undefined)?.settings
    ?.supported_currencies;
  if (!Array.isArray(list)) throw new Error(`no supported_currencies in ${res.text.slice(0, 200)}`);
  return list.filter((c): c is string => typeof c === "string");
}

/** A fresh API token of the seeded admin (a new session each time). */
export async function adminToken(): Promise<string> {
  return (await api.login(adminAccount())).token;
}
