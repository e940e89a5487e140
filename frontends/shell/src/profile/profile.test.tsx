import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { ProfilePage } from "./ProfilePage.tsx";
import { fieldsOf, profilePatch, validateProfile } from "./profile-form.ts";

afterEach(cleanup);

const STORED = {
  user_id: testGrant().user.id,
  display_name: null,
  avatar_url: null,
  phone: "+14155550123",
  address: null,
  bio: "Old bio",
  registered: true,
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-02T00:00:00.000Z",
};

describe("profile form rules", () => {
  it("sends only what changed, an emptied field as null, the phone without spaces", () => {
    const fields = { ...fieldsOf(STORED), display_name: " Ada ", bio: "", phone: "+1 415 555 0123" };
    expect(profilePatch(STORED, fields)).toEqual({ display_name: "Ada", bio: null });
  });

  it("asks for the parts of an address the service requires", () => {
    const fields = { ...fieldsOf(STORED), "address.city": "Berlin" };
    expect(validateProfile(fields)).toEqual({
      "address.line1": "Enter the street address.",
      "address.country": "Choose the country.",
    });
    expect(
      validateProfile({ ...fields, phone: "12345", avatar_url: "http://x.example/a.png" }),
    ).toMatchObject({
      phone: expect.stringMatching(/international format/),
      avatar_url: expect.stringMatching(/https/),
    });
  });
});

describe("profile page", () => {
  it("saves a changed profile with the server's field names and shows it saved", async () => {
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "GET /api/profile/me": () => [200, STORED],
        "PATCH /api/profile/me": (call) => [
          200,
          { ...STORED, ...(call.body as object), updated_at: "2025-01-03T00:00:00.000Z" },
        ],
      },
    });
    renderWithPlatform(<ProfilePage />, { platform: test.platform });
    await userEvent.type(await screen.findByLabelText("Display name"), "Ada L.");
    await userEvent.type(screen.getByLabelText("Street address"), "1 Main St");
    await userEvent.type(screen.getByLabelText("City"), "Berlin");
    await userEvent.selectOptions(screen.getByLabelText("Country"), "DE");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByText("Profile saved")).toBeTruthy();
    const patch = test.calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({
      display_name: "Ada L.",
      address: { line1: "1 Main St", city: "Berlin", country: "DE" },
    });
    expect((screen.getByLabelText("Display name") as HTMLInputElement).value).toBe("Ada L.");
  });

  it("shows the service's refusal on the field it names", async () => {
    const test = createTestPlatform({
      grant: testGrant("customer"),
      routes: {
        "GET /api/profile/me": () => [200, STORED],
        "PATCH /api/profile/me": () => [
          400,
          {
            error: {
              type: "invalid_request",
              code: "invalid_field",
              message: "must be an https URL on a domain name",
              param: "avatar_url",
              request_id: "req_1",
            },
          },
        ],
      },
    });
    renderWithPlatform(<ProfilePage />, { platform: test.platform });
    await userEvent.type(await screen.findByLabelText("Avatar URL"), "https://localhost.example/me.png");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    const field = await screen.findByLabelText("Avatar URL");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(test.calls.some((c) => c.method === "PATCH")).toBe(true);
  });
});
