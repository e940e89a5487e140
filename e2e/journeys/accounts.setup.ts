/**
 * Setup project: the register and login journeys themselves. A customer and a vendor register through the
 * form, the seeded admin signs in through the form, and each role's browser state is saved. Refresh tokens
 * rotate on every use, so a saved state is good for exactly one later sign-in: the role projects resume it
 * once (resume.spec.ts) and sign in afresh everywhere else.
 */
import { writeFileSync } from "node:fs";
import type { Account } from "../support/api.ts";
import { TEST_PASSWORD } from "../support/api.ts";
import { readE2eEnv, usersFile } from "../support/config.ts";
import { expect, test } from "../support/fixtures.ts";
import { adminAccount, api, signIn, storageStateFile, uniqueWord } from "../support/journeys.ts";

const users: Partial<Record<"customer" | "vendor" | "admin", Account>> = {};

for (const role of ["customer", "vendor"] as const) {
  test(`a ${role} registers through the form and lands on their start page`, async ({ page, guard }) => {
    guard.allowResponse(
      401,
      "GET",
      "/api/auth/me",
      "the journey checks that no cookie carries the access token",
    );
    const name = uniqueWord(role);
    const email = `${name}@example.com`;
    await page.goto("/");
    await expect(page).toHaveURL(/\/account\/login$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    const form = page.getByRole("form", { name: "Create an account" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill(TEST_PASSWORD);
    await form.getByLabel("I want to").selectOption(role);
    await form.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/payments$/);
    await expect(page.getByText(name, { exact: false }).first()).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toContainText(
      role === "customer" ? "New payment" : "Payments received",
    );
    const me = await page.evaluate(() => fetch("/api/auth/me").then((r) => r.status));
    expect(me, "the access token lives in memory, not in a cookie").toBe(401);
    await page.context().storageState({ path: storageStateFile(role) });
    // Confirm the address from its mail, so these accounts may pay and be paid (docs/adr/0017; the
    // accounts project walks through the verify page itself).
    await api.verifyEmail(email);
    users[role] = { id: "", email, password: TEST_PASSWORD, name, role };
  });
}

test("the admin signs in through the form and lands on the dashboard", async ({ page }) => {
  const admin = adminAccount();
  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.context().storageState({ path: storageStateFile("admin") });
  users.admin = admin;
});

test("a wrong password is refused with a message, not a crash", async ({ page, guard }) => {
  guard.allowResponse(401, "POST", "/api/auth/login", "the wrong password the journey types");
  await page.goto("/account/login");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(adminAccount().email);
  await form.getByLabel("Password").fill("not the password at all");
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  await expect(page).toHaveURL(/\/account\/login$/);
});

test.afterAll(() => {
  writeFileSync(usersFile(readE2eEnv()), JSON.stringify(users, null, 2));
});
