import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { EmailChange } from "./EmailChange.tsx";

afterEach(cleanup);

describe("e-mail change", () => {
  it("sends the new address and the current password, then says where the link went", async () => {
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "POST /api/auth/email": (call) => [
          202,
          { pending_email: (call.body as { new_email: string }).new_email },
        ],
      },
    });
    renderWithPlatform(<EmailChange />, { platform: test.platform });
    await userEvent.type(screen.getByLabelText("New e-mail address"), "  new@example.com ");
    await userEvent.type(screen.getByLabelText("Current password"), "my current password");
    await userEvent.click(screen.getByRole("button", { name: "Send the link" }));
    expect(await screen.findByText(/We sent a link to new@example.com/)).toBeTruthy();
    const sent = test.calls.find((c) => c.method === "POST" && c.path === "/api/auth/email");
    expect(sent?.body).toEqual({ new_email: "new@example.com", current_password: "my current password" });
    expect((screen.getByLabelText("Current password") as HTMLInputElement).value).toBe("");
  });

  it("shows a wrong password on its field", async () => {
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "POST /api/auth/email": () => [
          400,
          {
            error: {
              type: "invalid_request",
              code: "invalid_current_password",
              message: "The current password is incorrect.",
              param: "current_password",
              request_id: "req_1",
            },
          },
        ],
      },
    });
    renderWithPlatform(<EmailChange />, { platform: test.platform });
    await userEvent.type(screen.getByLabelText("New e-mail address"), "new@example.com");
    await userEvent.type(screen.getByLabelText("Current password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Send the link" }));
    expect(await screen.findByText("The current password is incorrect.")).toBeTruthy();
  });
});
