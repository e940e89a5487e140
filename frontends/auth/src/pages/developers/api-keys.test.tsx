import { createTestPlatform, type RecordedCall, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AuthApp from "../../App.tsx";

afterEach(cleanup);

interface Key {
  id: string;
  name: string;
  scopes: string[];
  prefix: "sk_";
  last4: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const key = (id: string, name: string, scopes: string[], extra: Partial<Key> = {}): Key => ({
  id,
  name,
  scopes,
  prefix: "sk_",
  last4: id.slice(-4),
  created_at: "2026-12-01T10:00:00.000Z",
  last_used_at: null,
  revoked_at: null,
  ...extra,
});
const OLD = "key_01jaaaaaaaaold1";
const calls = (all: RecordedCall[], method: string, path: string) =>
  all.filter((c) => c.method === method && c.path === path);

describe("API keys on the developers page", () => {
  it("creates a key with the chosen scopes, shows its secret once, and revokes a key after asking", async () => {
    let keys: Key[] = [
      key(OLD, "Old shop", ["payments:read"], {
        last_used_at: "2026-12-05T08:00:00.000Z",
      }),
      key("key_01jaaaaaaaagone", "Gone", ["payments:read"], { revoked_at: "2026-12-02T00:00:00.000Z" }),
    ];
    const test = createTestPlatform({
      grant: testGrant("vendor"),
      routes: {
        "GET /api/auth/api-keys": () => [200, { data: keys, has_more: false }],
        "POST /api/auth/api-keys": (call) => {
          const body = call.body as { name: string; scopes: string[] };
          const made = key("key_01jaaaaaaaanew1", body.name, body.scopes);
          keys = [made, ...keys];
          return [201, { ...made, secret: "sk_live_secret_shown_once_new1" }];
        },
        [`DELETE /api/auth/api-keys/${OLD}`]: () => {
          keys = keys.map((k) => (k.id === OLD ? { ...k, revoked_at: "2026-12-06T00:00:00.000Z" } : k));
          return [200, keys.find((k) => k.id === OLD)];
        },
      },
    });
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/developers",
      mount: "/account/*",
    });
    const table = await screen.findByRole("table", { name: "2 API keys" });
    expect(within(table).getByText("sk_…old1")).toBeTruthy();
    expect(within(table).getByText("Revoked")).toBeTruthy();
    expect(within(table).getAllByRole("button", { name: "Revoke" })).toHaveLength(1);

    const form = screen.getByRole("form", { name: "New API key" });
    await userEvent.type(within(form).getByLabelText("Key name"), "Till");
    await userEvent.click(within(form).getByRole("checkbox", { name: /refunds:write/ }));
    await userEvent.click(within(form).getByRole("checkbox", { name: /payments:read/ }));
    await userEvent.click(within(form).getByRole("button", { name: "Create key" }));
    expect((await screen.findByTestId("new-api-key-secret")).textContent).toBe(
      "sk_live_secret_shown_once_new1",
    );
    expect(calls(test.calls, "POST", "/api/auth/api-keys")[0]?.body).toEqual({
      name: "Till",
      scopes: ["refunds:write"],
    });
    expect(await screen.findByRole("table", { name: "3 API keys" })).toBeTruthy();
    expect((within(form).getByLabelText("Key name") as HTMLInputElement).value).toBe("");

    await userEvent.click(
      within(screen.getByRole("table")).getAllByRole("button", { name: "Revoke" })[1] as HTMLElement,
    );
    const dialog = screen.getByRole("dialog", { name: "Revoke Old shop?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke key" }));
    await waitFor(() => expect(calls(test.calls, "DELETE", `/api/auth/api-keys/${OLD}`)).toHaveLength(1));
    await waitFor(() =>
      expect(within(screen.getByRole("table")).getAllByRole("button", { name: "Revoke" })).toHaveLength(1),
    );
  });

  it("cannot create a key without a scope", async () => {
    const test = createTestPlatform({
      grant: testGrant("vendor"),
      routes: { "GET /api/auth/api-keys": () => [200, { data: [], has_more: false }] },
    });
    renderWithPlatform(<AuthApp platform={test.platform} basePath="/account" />, {
      platform: test.platform,
      path: "/account/developers",
      mount: "/account/*",
    });
    const form = await screen.findByRole("form", { name: "New API key" });
    await userEvent.click(within(form).getByRole("checkbox", { name: /payments:read/ }));
    expect((within(form).getByRole("button", { name: "Create key" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(await screen.findByRole("table", { name: "0 API keys" })).toBeTruthy();
  });
});
