/**
 * The shell under failure: offline, a navigation gets the service worker's offline page, which reloads by
 * itself once the network is back; with the payments remote's entry unreachable, the shell shows a
 * retryable fallback and everything else keeps working, and a retry after the remote is back loads it;
 * with the whole remote stopped (every file 503), likewise.
 */
import type { Page } from "@playwright/test";
import { expect, type Guard, test } from "../../support/fixtures.ts";
import { freshPair, openAccountLink } from "../../support/journeys.ts";

test.describe("offline", () => {
  test("a navigation while offline shows the offline page, and back online the app returns by itself", async ({
    page,
    context,
    guard,
  }) => {
    guard.allowFailedRequest(/./, /ERR_INTERNET_DISCONNECTED/, "the browser is offline on purpose");
    await page.goto("/account/login");
    // The service worker must have installed and control the page before the network goes away; it does
    // not claim the page that registered it, so the next load is the first one it controls.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    await page.goto("/payments").catch(() => undefined);
    await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
    // Back online, the offline page retries by itself (public/offline.js): no click needed.
    await context.setOffline(false);
    await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
  });
});

test.describe("remote failures", () => {
  // Remote files are fetched by the page here, so routes see every request (no service worker in between).
  test.use({ serviceWorkers: "block" });

  /** What a missing payments remote looks like on the page: failed loads, and the shell saying so. */
  function allowRemoteDown(guard: Guard, failure: { status: number } | { error: RegExp }): void {
    const files = /\/remotes\/payments\//;
    if ("status" in failure)
      guard.allowResponse(failure.status, "GET", files, "the remote is stopped on purpose");
    else guard.allowFailedRequest(files, failure.error, "the remote is unreachable on purpose");
    // The remote's error boundary logs what it caught before it shows the fallback.
    guard.allowConsoleError(
      /RemoteUnavailableError: The payments remote could not be loaded/,
      "logged by the boundary",
    );
  }

  async function expectShellWorks(page: Page): Promise<void> {
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    await openAccountLink(page, "Preferences");
    await expect(page).toHaveURL(/\/preferences$/);
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    await openAccountLink(page, "Sessions");
    await expect(page.getByRole("heading", { name: "Sessions and devices" })).toBeVisible();
  }

  test("an unreachable payments remoteEntry.js gives a retryable fallback; retry loads it", async ({
    page,
    guard,
  }) => {
    allowRemoteDown(guard, { error: /ERR_CONNECTION_REFUSED/ });
    const { customer } = await freshPair();
    let down = true;
    await page.route("**/remotes/payments/remoteEntry.js*", (route) =>
      down ? route.abort("connectionrefused") : route.fallback(),
    );
    await page.goto("/account/login");
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(customer.email);
    await form.getByLabel("Password").fill(customer.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("The payments section is unavailable right now")).toBeVisible();
    const retry = page.getByRole("button", { name: "Try again" });
    await expect(retry).toBeVisible();
    await expectShellWorks(page);

    await page.goto("/payments");
    await expect(page.getByText("The payments section is unavailable right now")).toBeVisible();
    down = false;
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByText("The payments section is unavailable right now")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "New payment" }).first()).toBeVisible();
  });

  test("the shell survives a stopped payments remote (every file of it answers 503)", async ({
    page,
    guard,
  }) => {
    allowRemoteDown(guard, { status: 503 });
    const { customer } = await freshPair();
    await page.route("**/remotes/payments/**", (route) =>
      route.fulfill({ status: 503, contentType: "text/plain", body: "remote stopped" }),
    );
    await signInWithoutLanding(page, customer.email, customer.password);
    await expect(page.getByText("The payments section is unavailable right now")).toBeVisible();
    await expectShellWorks(page);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/account/sessions");
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    expect(errors).toEqual([]);
  });
});

async function signInWithoutLanding(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/account/login");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
}
