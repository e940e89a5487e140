import { describe, expect, it } from "vitest";
import { createSessionStore, type SyncChannel } from "../session/index.ts";
import {
  hasSessionCookie,
  type StorageEventLike,
  type StorageLike,
  type SyncGlobals,
  storageChannel,
  syncChannel,
} from "./browser.ts";

describe("hasSessionCookie", () => {
  it("finds has_session=1 anywhere in document.cookie", () => {
    expect(hasSessionCookie("has_session=1")).toBe(true);
    expect(hasSessionCookie("theme=dark; has_session=1")).toBe(true);
    expect(hasSessionCookie("has_session=1; theme=dark")).toBe(true);
  });

  it("is false without it, for another value, or for a name that merely ends the same", () => {
    expect(hasSessionCookie("")).toBe(false);
    expect(hasSessionCookie("has_session=0")).toBe(false);
    expect(hasSessionCookie("xhas_session=1")).toBe(false);
    expect(hasSessionCookie("has_session=10")).toBe(false);
  });
});

/**
 * Two tabs of one origin without BroadcastChannel: one localStorage, and a `storage` event delivered to
 * every window except the one that wrote (what browsers do).
 */
function twoTabs() {
  const data = new Map<string, string>();
  const windows: Array<{ listeners: Set<(event: StorageEventLike) => void> }> = [];
  const tab = () => {
    const self = { listeners: new Set<(event: StorageEventLike) => void>() };
    windows.push(self);
    const notify = (key: string, newValue: string | null) => {
      for (const other of windows) if (other !== self) for (const l of other.listeners) l({ key, newValue });
    };
    const storage: StorageLike = {
      setItem(key, value) {
        const changed = data.get(key) !== value;
        data.set(key, value);
        if (changed) notify(key, value);
      },
      removeItem(key) {
        if (!data.delete(key)) return;
        notify(key, null);
      },
    };
    const globals: SyncGlobals = {
      localStorage: storage,
      addEventListener: (_type, listener) => self.listeners.add(listener),
      removeEventListener: (_type, listener) => self.listeners.delete(listener),
    };
    return globals;
  };
  return { a: tab(), b: tab(), data };
}

describe("cross-tab sync without BroadcastChannel", () => {
  it("falls back to the storage event: the other tab gets each message, the sender does not", () => {
    const { a, b, data } = twoTabs();
    const sender = syncChannel(a);
    const receiver = syncChannel(b);
    if (!sender || !receiver) throw new Error("expected the storage fallback");
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    sender.subscribe((message) => atA.push(message));
    const stop = receiver.subscribe((message) => atB.push(message));
    sender.post({ kind: "signed_out", reason: "logout" });
    // The same message twice is two events (a nonce), and nothing stays in storage (no token on disk).
    sender.post({ kind: "signed_out", reason: "logout" });
    expect(atB).toEqual([
      { kind: "signed_out", reason: "logout" },
      { kind: "signed_out", reason: "logout" },
    ]);
    expect(atA).toEqual([]);
    expect(data.size).toBe(0);
    stop();
    sender.post({ kind: "signed_out", reason: "expired" });
    expect(atB).toHaveLength(2);
  });

  it("keeps two session stores in step through it: a sign-out in one tab signs the other out", async () => {
    const { a, b } = twoTabs();
    const grant = {
      user: {
        id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6",
        email: "ann@example.com",
        name: "Ann",
        role: "customer" as const,
        active: true,
        created_at: "2026-01-01T00:00:00Z",
        email_verified: true,
      },
      access_token: "token-1",
      expires_in: 600,
    };
    const store = (channel: SyncChannel | undefined) =>
      createSessionStore({
        refreshRequest: async () => grant,
        logoutRequest: async () => {},
        ...(channel ? { channel } : {}),
      });
    const first = store(syncChannel(a));
    const second = store(syncChannel(b));
    await first.refresh();
    expect(second.getState().status).toBe("signed_in");
    await first.signOut();
    expect(second.getState()).toEqual({ status: "signed_out", reason: "other_tab" });
  });

  it("ignores other keys, removals and junk written by anything else in the origin", () => {
    const listeners = new Set<(event: StorageEventLike) => void>();
    const channel = storageChannel(
      { setItem() {}, removeItem() {} },
      {
        addEventListener: (_t, l) => listeners.add(l),
        removeEventListener: (_t, l) => listeners.delete(l),
      },
    );
    const got: unknown[] = [];
    channel.subscribe((message) => got.push(message));
    for (const event of [
      { key: "theme", newValue: '{"message":1}' },
      { key: "payments-session", newValue: null },
      { key: "payments-session", newValue: "{" },
      { key: "payments-session", newValue: '"text"' },
      { key: null, newValue: null },
    ])
      for (const l of listeners) l(event);
    expect(got).toEqual([]);
  });

  it("has no channel where storage is blocked or missing", () => {
    const blocked = {
      get localStorage(): StorageLike {
        throw new Error("SecurityError");
      },
      addEventListener() {},
      removeEventListener() {},
    };
    expect(syncChannel(blocked)).toBeUndefined();
    expect(syncChannel({})).toBeUndefined();
  });
});
