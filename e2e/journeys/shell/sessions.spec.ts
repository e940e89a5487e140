/**
 * Sessions across devices and tabs: signing a device out from another device ends it there without a
 * reload (its socket is closed, the shell's refresh fails, it lands on the login page saying why), and
 * signing out in one tab signs out the other tabs of the same browser (BroadcastChannel).
 */
import { expect, test } from "../../support/fixtures.ts";
import { api, freshPair, newContext, signIn } from "../../support/journeys.ts";

test("a device signed out from another device is logged out there, live", async ({
  browser,
  page,
  guard,
}, info) => {
  // The signed-out device learns it when its socket closes and its next ticket is refused.
  guard.allowResponse(401, "POST", "/api/realtime/ticket", "the session was ended from the other device");
  // Its presence cookie outlives a revocation made elsewhere (docs/adr/0021): the refused refresh removes it.
  guard.allowResponse(401, "POST", "/api/auth/refresh", "the session was ended from the other device");
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

test("signing out in one tab signs out the other tabs", async ({ page, context, guard }) => {
  guard.allowResponse(
    401,
    "POST",
    "/api/auth/refresh",
    "the journey itself asks for a refresh after sign-out",
  );
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
  // And the page no longer believes a session can continue (docs/adr/0021): a reload asks nothing.
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "has_session")).toBeUndefined();
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

test("signing out every other device ends them all, live, and keeps this one", async ({
  browser,
  page,
  guard,
}, info) => {
  test.setTimeout(90_000);
  guard.allowResponse(401, "POST", "/api/realtime/ticket", "the other device's session was ended from here");
  guard.allowResponse(401, "POST", "/api/auth/refresh", "the other device's session was ended from here");
  const { customer } = await freshPair();
  // Three devices: this browser, a second browser and an API client (the registration's session).
  await signIn(page, customer);
  const other = await newContext(browser, info);
  try {
    const tablet = await other.newPage();
    await signIn(tablet, customer);
    await expect(tablet.getByRole("heading", { name: /Payments/ })).toBeVisible();

    await page.goto("/account/sessions");
    const table = page.getByRole("table");
    await expect(table.getByRole("row")).toHaveCount(4); // header + three devices
    await page.getByRole("button", { name: "Sign out all other devices" }).click();
    await page
      .getByRole("dialog", { name: "Sign out every other device?" })
      .getByRole("button", { name: "Sign out others" })
      .click();
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table.getByRole("row").nth(1)).toContainText("This device");

    // The other browser finds out by itself.
    await expect(tablet).toHaveURL(/\/account\/login$/, { timeout: 30_000 });
    await expect(tablet.getByText("Your session has ended. Please sign in again.")).toBeVisible();
    // This one stays signed in, and the list read afresh still has only it.
    await page.reload();
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(2);
    await page.goto("/payments");
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  } finally {
    await other.close();
  }
});
