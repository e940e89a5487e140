/**
 * Governing users from the admin's Users page: a role change ends the user's sessions at once (their open
 * page goes to sign-in) and they come back with the new role's navigation; a deactivated vendor is signed
 * out everywhere, cannot sign in, and cannot refund even with an access token that has not expired yet.
 */
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { asRecord, str } from "../../support/api.ts";
import { expect, type Guard, test } from "../../support/fixtures.ts";
import { adminAccount, api, freshPair, newContext, signIn } from "../../support/journeys.ts";

/** Opens the Users page and finds the row of the user named `word`. */
async function findUser(page: Page, word: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  const search = page.getByRole("form", { name: "Search users" });
  await search.getByLabel("Name or email").fill(word);
  await search.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("row").filter({ hasText: word });
  await expect(row).toHaveCount(1);
  return row;
}

/** The signed-out user's page: its socket is closed and its next ticket and refresh are refused. */
function allowEndedSession(guard: Guard): void {
  guard.allowResponse(401, "POST", "/api/realtime/ticket", "the admin ended this user's sessions");
  guard.allowResponse(401, "POST", "/api/auth/refresh", "the admin ended this user's sessions");
}

test("an admin makes a vendor a customer: signed out at once, back with a customer's pages", async ({
  browser,
  page,
  guard,
}, info) => {
  test.setTimeout(90_000);
  allowEndedSession(guard);
  const { vendor, vendorWord } = await freshPair();
  const vendorContext = await newContext(browser, info);
  try {
    const vendorPage = await vendorContext.newPage();
    await signIn(vendorPage, vendor);
    await expect(vendorPage.getByRole("navigation", { name: "Main" })).toContainText("Payments received");

    await signIn(page, adminAccount());
    const row = await findUser(page, vendorWord);
    await row.getByLabel(/^Role of /).selectOption("customer");
    await expect(row.getByLabel(/^Role of /)).toHaveValue("customer");

    await expect(vendorPage).toHaveURL(/\/account\/login$/, { timeout: 30_000 });
    await expect(vendorPage.getByText("Your session has ended. Please sign in again.")).toBeVisible();
    await signIn(vendorPage, vendor);
    const nav = vendorPage.getByRole("navigation", { name: "Main" });
    await expect(nav).toContainText("New payment");
    await expect(nav).not.toContainText("Payments received");
    const { token } = await api.login(vendor);
    expect(asRecord((await api.call("GET", "/api/auth/me", { token })).json).role).toBe("customer");
  } finally {
    await vendorContext.close();
  }
});

test("an admin deactivates a vendor: signed out, cannot sign in, and a refund is refused", async ({
  browser,
  page,
  guard,
}, info) => {
  test.setTimeout(90_000);
  allowEndedSession(guard);
  guard.allowResponse(403, "POST", "/api/auth/login", "the deactivated vendor tries to sign in");
  const { customer, vendor, vendorWord } = await freshPair();
  const id = str(await api.pay(customer.token, vendor.id, 1_800), "id");
  await api.waitForStatus(customer.token, id, ["succeeded"]);
  // A token issued before the deactivation: it stays valid until it expires (minutes), the refusal must not.
  const { token: oldToken } = await api.login(vendor);

  const vendorContext = await newContext(browser, info);
  try {
    const vendorPage = await vendorContext.newPage();
    await signIn(vendorPage, vendor);
    await vendorPage.goto(`/payments/${id}`);
    await expect(vendorPage.getByRole("form", { name: "Refund" })).toBeVisible();

    await signIn(page, adminAccount());
    const row = await findUser(page, vendorWord);
    await row.getByRole("button", { name: "Deactivate" }).click();
    await page
      .getByRole("dialog", { name: /^Deactivate / })
      .getByRole("button", { name: "Deactivate" })
      .click();
    await expect(row.getByText("Deactivated")).toBeVisible();

    // Their open page is signed out, and the sign-in form says why they cannot come back.
    await expect(vendorPage).toHaveURL(/\/account\/login$/, { timeout: 30_000 });
    const form = vendorPage.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(vendor.email);
    await form.getByLabel("Password").fill(vendor.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(vendorPage.getByRole("alert").first()).toContainText(/deactivated/i);

    // The payments service hears of the deactivation through an event, so it is asked until it has: with
    // more than the payment's amount, so that an attempt made before it heard moves no money either.
    const refund = async (amount: number) => {
      const res = await api.call("POST", `/api/payments/${id}/refunds`, {
        token: oldToken,
        body: { amount },
        headers: { "idempotency-key": randomUUID() },
      });
      return `${res.status} ${(res.json as { error?: { code?: string } } | undefined)?.error?.code ?? ""}`;
    };
    await expect.poll(() => refund(1_801), { timeout: 15_000 }).toBe("403 account_inactive");
    expect(await refund(100)).toBe("403 account_inactive");
    const after = asRecord((await api.call("GET", `/api/payments/${id}`, { token: customer.token })).json);
    expect(after).toMatchObject({ status: "succeeded", amount_refunded: 0 });
  } finally {
    await vendorContext.close();
  }
});
