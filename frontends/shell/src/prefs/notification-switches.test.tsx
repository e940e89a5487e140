import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationSwitches } from "./NotificationSwitches.tsx";

afterEach(cleanup);

const PREFS = {
  theme: "system",
  locale: "en-US",
  default_currency: null,
  notifications: { payment_updates: true, refund_updates: true, security_alerts: true, product_news: false },
  updated_at: null,
};

describe("notification switches", () => {
  it("sends only the switch that changed; security notices are on and cannot be switched off", async () => {
    const test = createTestPlatform({
      grant: testGrant("vendor"),
      routes: {
        "GET /api/profile/me/preferences": () => [200, PREFS],
        "PATCH /api/profile/me/preferences": () => [
          200,
          { ...PREFS, notifications: { ...PREFS.notifications, payment_updates: false } },
        ],
      },
    });
    renderWithPlatform(<NotificationSwitches />, { platform: test.platform });
    const payments = (await screen.findByLabelText(/^Payments:/)) as HTMLInputElement;
    expect(payments.checked).toBe(true);
    const security = screen.getByLabelText(/^Security:/) as HTMLInputElement;
    expect(security.checked).toBe(true);
    expect(security.disabled).toBe(true);
    await userEvent.click(payments);
    await userEvent.click(screen.getByRole("button", { name: "Save notification settings" }));
    expect(await screen.findByText("Notification settings saved")).toBeTruthy();
    const patch = test.calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({ notifications: { payment_updates: false } });
    expect(((await screen.findByLabelText(/^Payments:/)) as HTMLInputElement).checked).toBe(false);
  });
});
