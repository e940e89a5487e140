import type { RemoteAppProps } from "@payments/api-client";
import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { RemoteRoot } from "@payments/ui";
import { act, cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { createRemoteLoader, type RemoteComponent, remoteForPath } from "./loader.ts";
import { RemoteSlot } from "./RemoteSlot.tsx";

afterEach(cleanup);

function FakePayments({ basePath }: RemoteAppProps) {
  return <p>payments remote (base {basePath})</p>;
}

function deferred() {
  let resolve: (module: { default: RemoteComponent }) => void = () => {};
  const promise = new Promise<{ default: RemoteComponent }>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function slot(loader: ReturnType<typeof createRemoteLoader>) {
  const { platform } = createTestPlatform({ grant: testGrant("customer") });
  return (
    <RemoteRoot platform={platform}>
      <MemoryRouter initialEntries={["/payments"]}>
        <RemoteSlot name="payments" basePath="/payments" loader={loader} />
      </MemoryRouter>
    </RemoteRoot>
  );
}

describe("which remote owns a page", () => {
  it("maps mount points and the shell's shortcuts, by whole path segments", () => {
    expect(remoteForPath("/payments")).toBe("payments");
    expect(remoteForPath("/payments/pay_01jabc")).toBe("payments");
    expect(remoteForPath("/admin/audit")).toBe("admin");
    expect(remoteForPath("/account/sessions")).toBe("auth");
    expect(remoteForPath("/login")).toBe("auth");
    expect(remoteForPath("/register")).toBe("auth");
    expect(remoteForPath("/paymentsx")).toBeUndefined();
    expect(remoteForPath("/preferences")).toBeUndefined();
    expect(remoteForPath("/")).toBeUndefined();
  });
});

describe("remote slot", () => {
  it("shows a remote loaded ahead of its route in the very first render, with no loading state", async () => {
    const loader = createRemoteLoader({
      importRemote: async () => ({ default: FakePayments }),
      resetRemote: () => {},
    });
    // Loaded early, as the shell does for the page being opened, while the session is still being checked.
    await loader.load("payments");
    // A synchronous render: nothing gets a chance to resolve in between.
    act(() => {
      render(slot(loader));
    });
    expect(screen.getByText("payments remote (base /payments)")).toBeTruthy();
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("shows the loading state until the remote arrives, then the remote", async () => {
    const pending = deferred();
    const loader = createRemoteLoader({ importRemote: () => pending.promise, resetRemote: () => {} });
    act(() => {
      render(slot(loader));
    });
    expect(screen.getByRole("status").textContent).toContain("Loading payments");
    await act(async () => pending.resolve({ default: FakePayments }));
    expect(screen.getByText("payments remote (base /payments)")).toBeTruthy();
    expect(screen.queryByRole("status")).toBeNull();
  });
});
