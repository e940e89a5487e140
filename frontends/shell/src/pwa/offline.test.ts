import type { SessionState } from "@payments/api-client";
import { describe, expect, it, vi } from "vitest";
import { RETRIES_AFTER_ONLINE_MS, startOfflineSupport } from "./offline.ts";
import { createStaleReads, describeStale } from "./stale-reads.ts";
import { CACHES } from "./sw-rules.ts";
import { checkForUpdatesHourly, UPDATE_CHECK_MS } from "./updates.ts";

const STALE = { "x-sw-cache": "stale", "x-sw-cached-at": "2026-12-06T09:00:00.000Z" };

describe("stale reads", () => {
  it("notes a read the worker answered from its cache, and forgets it once the same read is fresh", async () => {
    const reads = createStaleReads();
    let headers: Record<string, string> = STALE;
    const fetch = reads.track(async () => new Response("{}", { status: 200, headers }));
    const seen: number[] = [];
    reads.subscribe(() => seen.push(reads.list().length));
    await fetch("/api/payments?limit=20", { method: "GET" });
    expect(reads.list()).toEqual([{ path: "/api/payments", cachedAt: "2026-12-06T09:00:00.000Z" }]);
    // A write, or a fresh answer to another read, changes nothing.
    headers = {};
    await fetch("/api/payments", { method: "POST" });
    await fetch("/api/profile/me", { method: "GET" });
    expect(reads.list()).toHaveLength(1);
    await fetch("/api/payments?limit=20", { method: "GET" });
    expect(reads.list()).toEqual([]);
    expect(seen).toEqual([1, 0]);
  });

  it("says what is shown and from when", () => {
    const text = describeStale(
      [
        { path: "/api/payments", cachedAt: "2026-12-06T09:00:00.000Z" },
        { path: "/api/profile/me", cachedAt: undefined },
      ],
      "en-GB",
    );
    expect(text).toMatch(/^The server cannot be reached\. Showing the payments list as loaded on 6 Dec 2026/);
    expect(text).toContain("and the profile last loaded: it may be out of date.");
  });
});

function fakeSession(initial: SessionState["status"]) {
  let state: SessionState =
    initial === "signed_in"
      ? {
          status: "signed_in",
          accessToken: "t",
          expiresAt: 0,
          user: {
            id: "usr_1",
            email: "a@example.com",
            name: "A",
            role: "customer",
            active: true,
            created_at: "2026-01-01T00:00:00Z",
            email_verified: true,
          },
        }
      : { status: "signed_out" };
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signOut() {
      state = { status: "signed_out", reason: "logout" };
      for (const listener of listeners) listener();
    },
  };
}

describe("offline support in the page", () => {
  it("deletes the cached API reads on sign-out; back online, replays beacons and rereads saved copies", async () => {
    const session = fakeSession("signed_in");
    const deleted: string[] = [];
    const posted: unknown[] = [];
    let online: (() => void) | undefined;
    let staleNow = [{ path: "/api/payments", cachedAt: undefined }];
    const stale = { clear: vi.fn(), list: () => staleNow };
    const refetch = vi.fn();
    const later: Array<[() => void, number]> = [];
    startOfflineSupport(
      { session, stale, refetch },
      {
        setTimeout: (fn, ms) => {
          later.push([fn, ms]);
        },
        caches: { delete: async (name: string) => deleted.push(name) > 0 },
        controller: () => ({ postMessage: (message: unknown) => posted.push(message) }),
        onOnline: (listener) => {
          online = listener;
        },
      },
    );
    expect(deleted).toEqual([]);
    session.signOut();
    expect(deleted).toEqual([CACHES.apiReads]);
    expect(stale.clear).toHaveBeenCalledOnce();
    online?.();
    expect(posted).toEqual([{ type: "REPLAY_BEACONS" }]);
    // Saved copies on the page are read again; with none, nothing is refetched.
    expect(refetch).toHaveBeenCalledOnce();
    // And a few more times over the next half minute, in case the first try came before the network did.
    expect(later.map(([, ms]) => ms)).toEqual(RETRIES_AFTER_ONLINE_MS);
    later[0]?.[0]();
    expect(posted).toHaveLength(2);
    expect(refetch).toHaveBeenCalledTimes(2);
    staleNow = [];
    online?.();
    expect(refetch).toHaveBeenCalledTimes(2);
  });

  it("does nothing without a worker or Cache Storage", () => {
    const session = fakeSession("signed_in");
    let online: (() => void) | undefined;
    startOfflineSupport(
      { session, stale: { clear: () => {}, list: () => [] }, refetch: () => {} },
      { controller: () => null, onOnline: (l) => (online = l), setTimeout: (fn) => fn() },
    );
    expect(() => {
      session.signOut();
      online?.();
    }).not.toThrow();
  });
});

describe("hourly update check", () => {
  function setup(opts: { online?: boolean; status?: number; installing?: boolean } = {}) {
    let tick: (() => void) | undefined;
    const update = vi.fn(async () => undefined);
    const fetch = vi.fn(async () => new Response("", { status: opts.status ?? 200 }));
    const cleared: unknown[] = [];
    const stop = checkForUpdatesHourly(
      "/sw.js",
      { installing: opts.installing ? {} : null, update },
      {
        fetch,
        online: () => opts.online ?? true,
        setInterval: (fn, ms) => {
          expect(ms).toBe(UPDATE_CHECK_MS);
          tick = fn;
          return 7;
        },
        clearInterval: (handle) => cleared.push(handle),
      },
    );
    const run = async () => {
      tick?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    return { update, fetch, run, stop, cleared };
  }

  it("probes the worker file every hour and asks the browser to update", async () => {
    const { update, fetch, run, stop, cleared } = setup();
    expect(UPDATE_CHECK_MS).toBe(3_600_000);
    await run();
    expect(fetch).toHaveBeenCalledWith("/sw.js", expect.objectContaining({ cache: "no-store" }));
    expect(update).toHaveBeenCalledOnce();
    stop();
    expect(cleared).toEqual([7]);
  });

  it("skips the hour while offline, while an update installs, or when the server is not answering", async () => {
    for (const opts of [{ online: false }, { installing: true }, { status: 503 }]) {
      const { update, run } = setup(opts);
      await run();
      expect(update).not.toHaveBeenCalled();
    }
  });
});
