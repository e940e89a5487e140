/**
 * Sessions across devices and tabs: signing a device out from another device ends it there without a
 * reload (its socket is closed, the shell's refresh fails, it lands on the login page saying why), and
 * signing out in one tab signs out the other tabs of the same browser (BroadcastChannel).
 */
import { expect, test } from "@playwright/test";
import { api, freshPair, newContext, signIn } from "../../support/journeys.ts";

test("a device signed out from another device is logged out there, live", async ({ browser, page }, info) => {
  test.setTimeout(90_000);
  const { customer } = await freshPair();
  // Registering signed the account in through the API: end that session so only the two browsers remain.
  await api.call("POST", "/api/auth/logout", { token: customer.token });
  await signIn(page, customer);
  await expect(page.getByRole("heading", { name: /Payments/ })).toBeVisible();

  const other = await newContext(browser, info);
  try {
    const phone = await other.newPage();
    await signIn(phone, customer);
    await phone.goto("/account/sessions");
    const table = phone.getByRole("table");
    await expect(table.getByRole("row")).toHaveCount(3); // header + two devices
    const firstDevice = table
      .getByRole("row")
      // Case-sensitive: the row's hidden confirm dialog says "Sign this device out?".
      .filter({ hasNotText: /This device/ })
      .filter({ has: phone.getByRole("button") });
    await firstDevice.getByRole("button", { name: "Sign out", exact: true }).click();
    await phone
      .getByRole("dialog", { name: "Sign this device out?" })
      .getByRole("button", { name: "Sign out device" })
      .click();
    await expect(table.getByRole("row")).toHaveCount(2);

    // The first device was not touched: it finds out by itself.
    await expect(page).toHaveURL(/\/account\/login$/, { timeout: 30_000 });
    await expect(page.getByText("Your session has ended. Please sign in again.")).toBeVisible();
    // The device that acted is still signed in.
    await phone.goto("/payments");
    await expect(phone.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  } finally {
    await other.close();
  }
});

test("signing out in one tab signs out the other tabs", async ({ page, context }) => {
  const { customer } = await freshPair();
  await signIn(page, customer);
  const second = await context.newPage();
  await second.goto("/payments");
  await expect(second.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/account\/login$/);
  await expect(second).toHaveURL(/\/account\/login$/, { timeout: 10_000 });
  await expect(second.getByText("You signed out in another tab or window.")).toBeVisible();
  // And the session is really over on the server: the tab's next refresh is refused.
  const refresh = await second.evaluate(() =>
    fetch("/api/auth/refresh", { method: "POST" }).then((r) => r.status),
  );
  expect(refresh).toBe(401);
});

test("signing in in one tab signs in the other tabs", async ({ page, context }) => {
  const { customer } = await freshPair();
  await page.goto("/account/login");
  const second = await context.newPage();
  await second.goto("/account/login");
  await signIn(page, customer);
  await expect(second.getByRole("button", { name: "Sign out", exact: true })).toBeVisible({
    timeout: 10_000,
  });
  await expect(second).toHaveURL(/\/payments$/);
});
