import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";
import { apiPayment } from "../test-data.ts";

afterEach(cleanup);

describe("payment list", () => {
  it("pages with the cursor of the last row and filters by status", async () => {
    const all = Array.from({ length: 25 }, (_, i) =>
      apiPayment(25 - i, { status: i % 2 ? "succeeded" : "pending" }),
    );
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "GET /api/payments": (call) => {
          const status = call.query.get("status");
          const after = call.query.get("starting_after");
          const limit = Number(call.query.get("limit"));
          const matching = all.filter((p) => !status || p.status === status);
          const start = after ? matching.findIndex((p) => p.id === after) + 1 : 0;
          const data = matching.slice(start, start + limit);
          return [200, { data, has_more: start + limit < matching.length }];
        },
      },
    });
    renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
      platform: test.platform,
      path: "/payments",
      mount: "/payments/*",
    });
    expect(await screen.findByText("Payments (20+)")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Payments (25)")).toBeTruthy();
    const second = test.calls.filter((c) => c.path === "/api/payments")[1];
    expect(second?.query.get("starting_after")).toBe(all[19]?.id);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();

    await userEvent.selectOptions(screen.getByLabelText("Status"), "succeeded");
    await waitFor(() => expect(screen.getByText("Payments (12)")).toBeTruthy());
    expect(screen.queryByText("Pending", { selector: ".ui-badge" })).toBeNull();
    expect(test.calls.at(-1)?.query.get("status")).toBe("succeeded");
  });
});
