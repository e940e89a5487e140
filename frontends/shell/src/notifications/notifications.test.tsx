import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { bellLabel, NotificationBell } from "./NotificationBell.tsx";
import { NotificationsPage } from "./NotificationsPage.tsx";

afterEach(cleanup);

const NOTICE = {
  id: "ntf_01j9z3k7m8n9p0q1r2s3t4v5w6",
  kind: "payment_received",
  title: "You received $12.34",
  body: "Carla Customer paid you $12.34.",
  link: "/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6",
  security: false,
  read_at: null,
  created_at: "2025-01-01T00:00:00.000Z",
};

describe("notification bell", () => {
  it("names the unread count in words and shows it as a badge", async () => {
    const test = createTestPlatform({
      grant: testGrant("vendor"),
      routes: { "GET /api/profile/notifications/unread-count": () => [200, { unread_count: 3 }] },
    });
    renderWithPlatform(<NotificationBell />, { platform: test.platform });
    const bell = await screen.findByRole("link", { name: "Notifications, 3 unread" });
    expect(bell.getAttribute("href")).toBe("/notifications");
    expect(within(bell).getByTestId("bell-count").textContent).toBe("3");
    expect(bellLabel(0)).toBe("Notifications, none unread");
  });
});

describe("notification centre", () => {
  it("lists notifications and marks one read (its button goes, the count drops)", async () => {
    let read = false;
    const test = createTestPlatform({
      grant: testGrant("vendor"),
      routes: {
        "GET /api/profile/notifications": () => [
          200,
          {
            data: [{ ...NOTICE, read_at: read ? "2025-01-02T00:00:00.000Z" : null }],
            has_more: false,
            unread_count: read ? 0 : 1,
          },
        ],
        [`POST /api/profile/notifications/${NOTICE.id}/read`]: () => {
          read = true;
          return [200, { ...NOTICE, read_at: "2025-01-02T00:00:00.000Z" }];
        },
        "POST /api/profile/notifications/read-all": () => [200, { marked: 0, unread_count: 0 }],
      },
    });
    renderWithPlatform(<NotificationsPage />, { platform: test.platform });
    expect(await screen.findByText("You received $12.34")).toBeTruthy();
    expect(screen.getByText("Carla Customer paid you $12.34.")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "1 unread" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Mark read" }));
    expect(await screen.findByRole("heading", { name: "0 unread" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Mark read" })).toBeNull();
    expect(test.calls.some((c) => c.method === "POST" && c.path.endsWith("/read"))).toBe(true);
  });
});
