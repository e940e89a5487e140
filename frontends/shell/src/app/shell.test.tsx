import type { RemoteAppProps } from "@payments/api-client";
import { createTestPlatform, FakeBroadcast, testGrant } from "@payments/api-client/testing";
import { RemoteRoot } from "@payments/ui";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRemoteLoader, type RemoteName } from "../remotes/loader.ts";
import { ShellRoutes } from "./App.tsx";

afterEach(cleanup);

/** A stand-in remote that says which remote it is and where it is. */
function fakeRemote(name: RemoteName) {
  return function FakeRemote({ basePath }: RemoteAppProps) {
    const location = useLocation();
    return (
      <p>
        {name} remote at {location.pathname} (base {basePath})
      </p>
    );
  };
}

async function renderShell(
  path: string,
  options: { grant?: ReturnType<typeof testGrant>; failFirst?: RemoteName; channel?: FakeBroadcast } = {},
) {
  const test = createTestPlatform({
    ...(options.grant ? { grant: options.grant } : {}),
    ...(options.channel ? { channel: options.channel.channel() } : {}),
  });
  if (!options.grant) test.platform.session.expire();
  const failures = new Set(options.failFirst ? [options.failFirst] : []);
  const resetRemote = vi.fn((name: RemoteName) => failures.delete(name));
  const loader = createRemoteLoader({
    importRemote: async (name) => {
      if (failures.has(name)) throw new Error(`remoteEntry.js of ${name} unreachable`);
      return { default: fakeRemote(name) };
    },
    resetRemote,
    analytics: test.platform.analytics,
  });
  // Awaited act: the remote loads through React's `use`, whose resumption React schedules inside act.
  await act(async () => {
    render(
      <RemoteRoot platform={test.platform}>
        <MemoryRouter initialEntries={[path]}>
          <ShellRoutes loader={loader} />
        </MemoryRouter>
      </RemoteRoot>,
    );
  });
  return { test, resetRemote };
}

describe("shell", () => {
  it("loads the remote of the route with its base path", async () => {
    await renderShell("/payments/new", { grant: testGrant("customer") });
    expect(await screen.findByText("payments remote at /payments/new (base /payments)")).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();
  });

  it("keeps working when a remote is unreachable, and retries for real", async () => {
    const { test, resetRemote } = await renderShell("/payments", {
      grant: testGrant("customer"),
      failFirst: "payments",
    });
    expect(await screen.findByText("The payments section is unavailable right now")).toBeTruthy();
    // The shell around it still works: navigation and the user menu are there.
    expect(screen.getByRole("link", { name: "New payment" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeTruthy();
    const retry = screen.getByRole("button", { name: "Try again" });
    await act(async () => fireEvent.click(retry));
    expect(resetRemote).toHaveBeenCalledWith("payments", 1);
    expect(await screen.findByText("payments remote at /payments (base /payments)")).toBeTruthy();
    expect(test.platform.analytics.pending()).toBeGreaterThanOrEqual(2);
  });

  it("sends a signed-out visitor to the login page", async () => {
    await renderShell("/payments");
    expect(await screen.findByText("auth remote at /account/login (base /account)")).toBeTruthy();
  });

  it("goes back to login when the session ends in another tab", async () => {
    const bus = new FakeBroadcast();
    const otherTab = createTestPlatform({ grant: testGrant("customer"), channel: bus.channel() });
    await renderShell("/payments", { grant: testGrant("customer"), channel: bus });
    expect(await screen.findByText("payments remote at /payments (base /payments)")).toBeTruthy();
    await act(() => otherTab.platform.session.signOut());
    expect(await screen.findByText("auth remote at /account/login (base /account)")).toBeTruthy();
  });

  it("has a menu button for a phone's header: it opens, closes on Escape (focus back on it) and on navigation", async () => {
    await renderShell("/payments", { grant: testGrant("customer") });
    const menu = await screen.findByRole("button", { name: "Menu" });
    expect(menu.getAttribute("aria-controls")).toBe("shell-menu");
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    await act(async () => fireEvent.click(menu));
    expect(menu.getAttribute("aria-expanded")).toBe("true");
    expect(document.getElementById("shell-menu")?.dataset.open).toBe("true");
    await act(async () => fireEvent.keyDown(document, { key: "Escape" }));
    expect(menu.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(menu);
    await act(async () => fireEvent.click(menu));
    await act(async () => fireEvent.click(screen.getByRole("link", { name: "New payment" })));
    expect(await screen.findByText("payments remote at /payments/new (base /payments)")).toBeTruthy();
    expect(menu.getAttribute("aria-expanded")).toBe("false");
  });

  it("opens the account's links from the person's name; Escape and a click elsewhere close them", async () => {
    await renderShell("/payments", { grant: testGrant("customer") });
    const account = await screen.findByRole("button", { name: /^Account:/ });
    expect(account.getAttribute("aria-controls")).toBe("shell-account-links");
    const list = document.getElementById("shell-account-links");
    expect(account.getAttribute("aria-expanded")).toBe("false");
    expect(list?.dataset.open).toBe("false");
    await act(async () => fireEvent.click(account));
    expect(list?.dataset.open).toBe("true");
    for (const name of ["Profile", "Preferences", "Sessions", "Security"])
      expect(screen.getByRole("link", { name }).getAttribute("href")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Sessions" }).getAttribute("href")).toBe("/account/sessions");
    expect(screen.getByRole("link", { name: "Security" }).getAttribute("href")).toBe("/account/security");
    // Escape closes the list alone: the phone's menu, open around it, stays open.
    const menu = screen.getByRole("button", { name: "Menu" });
    await act(async () => fireEvent.click(menu));
    await act(async () => fireEvent.keyDown(document, { key: "Escape" }));
    expect(account.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(account);
    expect(menu.getAttribute("aria-expanded")).toBe("true");
    // A press outside closes it; one inside does not.
    await act(async () => fireEvent.click(account));
    await act(async () => fireEvent.pointerDown(screen.getByRole("link", { name: "Profile" })));
    expect(account.getAttribute("aria-expanded")).toBe("true");
    await act(async () => fireEvent.pointerDown(document.body));
    expect(account.getAttribute("aria-expanded")).toBe("false");
    // Following a link closes it.
    await act(async () => fireEvent.click(account));
    await act(async () => fireEvent.click(screen.getByRole("link", { name: "Preferences" })));
    expect(account.getAttribute("aria-expanded")).toBe("false");
  });

  it("keeps admin pages from other roles", async () => {
    await renderShell("/admin", { grant: testGrant("vendor") });
    expect(await screen.findByText("This page is not for your account")).toBeTruthy();
    expect(screen.queryByText(/admin remote/)).toBeNull();
  });
});
