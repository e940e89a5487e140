/**
 * Editing one's profile from the shell's Profile page: display name, phone, bio and address are saved to
 * the profile service and read back after a reload; a field cleared is removed; a wrong phone number is
 * explained next to the field before anything is sent.
 */
import { asRecord } from "../../support/api.ts";
import { expect, test } from "../../support/fixtures.ts";
import { accountMenu, api, openAccountLink, signIn, uniqueWord } from "../../support/journeys.ts";
import { seriousViolations } from "../a11y/audit.ts";

test("a customer edits their profile, sees it kept after a reload, and clears a field", async ({ page }) => {
  const customer = await api.register("customer", uniqueWord("profile"));
  const displayName = uniqueWord("Ada ");
  await signIn(page, customer);
  // The account's links open over the page from the person's name: nothing serious for axe in the open
  // list, and Escape closes it with focus back on the name.
  const account = accountMenu(page);
  await account.click();
  await expect(page.getByRole("link", { name: "Sessions", exact: true })).toBeVisible();
  expect(await seriousViolations(page, { within: "header.shell-header" })).toEqual([]);
  await page.keyboard.press("Escape");
  await expect(account).toBeFocused();
  await expect(page.getByRole("link", { name: "Sessions", exact: true })).toBeHidden();
  await openAccountLink(page, "Profile");
  await expect(page).toHaveURL(/\/profile$/);
  const form = page.getByRole("form", { name: "Profile" });

  // A phone number not in international format is explained, and nothing is sent.
  let patches = 0;
  page.on("request", (r) => {
    if (r.method() === "PATCH" && new URL(r.url()).pathname === "/api/profile/me") patches += 1;
  });
  await form.getByLabel("Phone").fill("020 7946 0958");
  await form.getByRole("button", { name: "Save profile" }).click();
  await expect(form.getByLabel("Phone")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText(/international format, like \+14155550123/)).toBeVisible();
  expect(patches).toBe(0);

  await form.getByLabel("Display name").fill(displayName);
  await form.getByLabel("Phone").fill("+44 20 7946 0958");
  await form.getByLabel("Bio").fill("Buys bicycles.");
  await form.getByLabel("Street address").fill("10 Downing Street");
  await form.getByLabel("City").fill("London");
  await form.getByLabel("Postal code (optional)").fill("SW1A 2AA");
  await form.getByLabel("Country").selectOption("GB");
  await form.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved" })).toBeVisible();
  expect(patches).toBe(1);

  await page.reload();
  const reloaded = page.getByRole("form", { name: "Profile" });
  await expect(reloaded.getByLabel("Display name")).toHaveValue(displayName);
  // Stored as E.164, the way the service keeps it.
  await expect(reloaded.getByLabel("Phone")).toHaveValue("+442079460958");
  await expect(reloaded.getByLabel("Bio")).toHaveValue("Buys bicycles.");
  await expect(reloaded.getByLabel("City")).toHaveValue("London");
  await expect(reloaded.getByLabel("Country")).toHaveValue("GB");

  await reloaded.getByLabel("Bio").fill("");
  await reloaded.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Profile saved" })).toBeVisible();

  const { token } = await api.login(customer);
  const stored = asRecord((await api.call("GET", "/api/profile/me", { token })).json);
  expect(stored).toMatchObject({
    display_name: displayName,
    phone: "+442079460958",
    bio: null,
    address: { line1: "10 Downing Street", city: "London", postal_code: "SW1A 2AA", country: "GB" },
  });
});
