import { describe, expect, it, vi } from "vitest";
import { FakeBroadcast, FakeTimers } from "../testing/fakes.ts";
import { createSessionStore, type SessionDeps, type SessionGrant } from "./session.ts";

const user = {
  id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6" as const,
  email: "ada@example.com",
  name: "Ada",
  role: "vendor" as const,
  active: true,
  created_at: "2025-01-01T00:00:00.000Z",
  email_verified: true,
};
const grant = (token: string, expiresIn = 600): SessionGrant => ({
  user,
  access_token: token,
  expires_in: expiresIn,
});

function tab(bus: FakeBroadcast, overrides: Partial<SessionDeps> = {}) {
  return createSessionStore({
    refreshRequest: async () => undefined,
    logoutRequest: async () => {},
    channel: bus.channel(),
    ...overrides,
  });
}

describe("cross-tab session sync", () => {
  it("a login in one tab signs in every tab with the same token", () => {
    const bus = new FakeBroadcast();
    const a = tab(bus);
    const b = tab(bus);
    a.signIn(grant("t1"));
    expect(b.getState()).toMatchObject({ status: "signed_in", accessToken: "t1" });
    expect(b.accessToken()).toBe("t1");
  });

  it("a logout in one tab logs out the others and tells the server once", async () => {
    const bus = new FakeBroadcast();
    const logoutRequest = vi.fn(async () => {});
    const a = tab(bus, { logoutRequest });
    const b = tab(bus, { logoutRequest });
    a.signIn(grant("t1"));
    await a.signOut();
    expect(a.getState()).toEqual({ status: "signed_out", reason: "logout" });
    expect(b.getState()).toEqual({ status: "signed_out", reason: "other_tab" });
    expect(logoutRequest).toHaveBeenCalledTimes(1);
    expect(logoutRequest).toHaveBeenCalledWith("t1");
  });

  it("a refresh in one tab hands the new token to the others", async () => {
    const bus = new FakeBroadcast();
    const a = tab(bus, { refreshRequest: async () => grant("t2") });
    const b = tab(bus);
    a.signIn(grant("t1"));
    await expect(a.refresh()).resolves.toBe(true);
    expect(b.accessToken()).toBe("t2");
  });

  it("a refused refresh sends every tab back to login", async () => {
    const bus = new FakeBroadcast();
    const a = tab(bus, { refreshRequest: async () => undefined });
    const b = tab(bus);
    a.signIn(grant("t1"));
    await expect(a.refresh()).resolves.toBe(false);
    expect(a.getState()).toEqual({ status: "signed_out", reason: "expired" });
    expect(b.getState()).toEqual({ status: "signed_out", reason: "other_tab" });
  });

  it("a failed start-up check means signed out here only", async () => {
    const bus = new FakeBroadcast();
    const a = tab(bus);
    const b = tab(bus);
    await a.refresh();
    expect(a.getState()).toEqual({ status: "signed_out" });
    // b is still checking its own session: a new tab without a cookie must not log anyone out.
    expect(b.getState()).toEqual({ status: "unknown" });
  });

  it("ignores malformed messages on the channel", () => {
    const bus = new FakeBroadcast();
    const a = tab(bus);
    const rogue = bus.channel();
    rogue.subscribe(() => {});
    a.signIn(grant("t1"));
    rogue.post({ kind: "grant", grant: { ...grant("x"), access_token: "" }, receivedAt: 0 });
    expect(a.accessToken()).toBe("t1");
  });
});

describe("refresh", () => {
  it("is single-flight within a tab", async () => {
    const refreshRequest = vi.fn(async () => grant("t2"));
    const s = createSessionStore({ refreshRequest, logoutRequest: async () => {} });
    s.signIn(grant("t1"));
    const results = await Promise.all([s.refresh(), s.refresh(), s.refresh()]);
    expect(results).toEqual([true, true, true]);
    expect(refreshRequest).toHaveBeenCalledTimes(1);
  });

  it("skips the network when another tab refreshed while this one waited for the lock", async () => {
    const bus = new FakeBroadcast();
    let unlock: () => void = () => {};
    const held = new Promise<void>((resolve) => (unlock = resolve));
    const lock = async <T>(_name: string, task: () => Promise<T>) => {
      await held;
      return task();
    };
    const bRefresh = vi.fn(async () => grant("t-b"));
    const a = tab(bus, { refreshRequest: async () => grant("t2") });
    const b = tab(bus, { refreshRequest: bRefresh, lock });
    a.signIn(grant("t1"));
    const waiting = b.refresh();
    await a.refresh(); // tab A holds the lock first and broadcasts t2
    unlock();
    await expect(waiting).resolves.toBe(true);
    expect(bRefresh).not.toHaveBeenCalled();
    expect(b.accessToken()).toBe("t2");
  });

  it("keeps the session when the server cannot be reached", async () => {
    const s = createSessionStore({
      refreshRequest: async () => {
        throw new Error("offline");
      },
      logoutRequest: async () => {},
    });
    s.signIn(grant("t1"));
    await expect(s.refresh()).rejects.toThrow("offline");
    expect(s.getState().status).toBe("signed_in");
  });

  it("refreshes a minute before the access token expires", async () => {
    const timers = new FakeTimers();
    const refreshRequest = vi.fn(async () => grant("t2"));
    const s = createSessionStore({
      refreshRequest,
      logoutRequest: async () => {},
      timers,
      now: () => timers.now,
    });
    s.signIn(grant("t1", 600));
    expect(timers.delays()).toEqual([540_000]);
    timers.advance(539_999);
    expect(refreshRequest).not.toHaveBeenCalled();
    timers.advance(1);
    await Promise.resolve();
    expect(refreshRequest).toHaveBeenCalledTimes(1);
  });
});

describe("presence cookie (docs/adr/0021)", () => {
  it("a load without has_session is signed out without asking the server", async () => {
    const refreshRequest = vi.fn(async () => grant("t1"));
    const s = createSessionStore({ refreshRequest, logoutRequest: async () => {}, hasSession: () => false });
    await expect(s.refresh()).resolves.toBe(false);
    expect(refreshRequest).not.toHaveBeenCalled();
    expect(s.getState()).toEqual({ status: "signed_out" });
  });

  it("with has_session the refresh cookie is exchanged as before", async () => {
    const refreshRequest = vi.fn(async () => grant("t1"));
    const s = createSessionStore({ refreshRequest, logoutRequest: async () => {}, hasSession: () => true });
    await expect(s.refresh()).resolves.toBe(true);
    expect(refreshRequest).toHaveBeenCalledTimes(1);
    expect(s.accessToken()).toBe("t1");
  });

  it("a signed-in tab whose cookie went away (idle end, logout elsewhere) ends its session on the next refresh", async () => {
    let present = true;
    const refreshRequest = vi.fn(async () => grant("t2"));
    const s = createSessionStore({
      refreshRequest,
      logoutRequest: async () => {},
      hasSession: () => present,
    });
    s.signIn(grant("t1"));
    present = false;
    await expect(s.refresh()).resolves.toBe(false);
    expect(refreshRequest).not.toHaveBeenCalled();
    expect(s.getState()).toEqual({ status: "signed_out", reason: "expired" });
  });
});
