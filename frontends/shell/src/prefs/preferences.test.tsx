import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { offeredLocales, PreferencesPage } from "./PreferencesPage.tsx";

afterEach(cleanup);

describe("preferences page", () => {
  it("offers the server's currencies and saves default_currency, theme and locale", async () => {
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "GET /api/admin/config/public": () => [
          200,
          { version: 1, settings: { supported_currencies: ["usd", "sek"] } },
        ],
        "PATCH /api/profile/me/preferences": (call) => {
          const body = call.body as { theme: string; locale: string; default_currency: string };
          return [200, { ...body, notifications: {}, updated_at: null }];
        },
      },
    });
    renderWithPlatform(<PreferencesPage />, { platform: test.platform });
    const currency = await screen.findByLabelText<HTMLSelectElement>("Default currency");
    await waitFor(() => expect([...currency.options].map((o) => o.value)).toEqual(["usd", "sek"]));
    await userEvent.selectOptions(currency, "sek");
    await userEvent.selectOptions(screen.getByLabelText("Theme"), "dark");
    await userEvent.selectOptions(screen.getByLabelText("Language and region"), "de-DE");
    await userEvent.click(screen.getByRole("button", { name: "Save preferences" }));
    expect(await screen.findByText("Preferences saved")).toBeTruthy();
    const patch = test.calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({ theme: "dark", locale: "de-DE", default_currency: "sek" });
    expect(test.platform.preferences.get()).toEqual({
      theme: "dark",
      locale: "de-DE",
      default_currency: "sek",
    });
  });

  it("offers only canonical locales this browser formats, keeping a valid own one", () => {
    expect(offeredLocales("en-US")).toContain("sv-SE");
    expect(offeredLocales("pt-br")[0]).toBe("pt-BR");
    expect(offeredLocales("not a locale")).not.toContain("not a locale");
  });
});
