import type { QueryClient } from "@tanstack/react-query";
import type { FetchLike } from "../http/index.ts";
import type { SessionSyncMessage, SyncChannel } from "../session/index.ts";
import { createPlatform, type Platform } from "./platform.ts";

// The few browser APIs used here, typed locally so this module also type-checks without the DOM library
// (the repository's server-side tsconfig covers packages/*/src).
interface BrowserNavigator {
  language?: string;
  sendBeacon?(url: string, data: Blob): boolean;
  locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
}
interface BrowserLocation {
  protocol: string;
  host: string;
}
interface BrowserDocument {
  cookie: string;
  visibilityState?: string;
}

/** Auth's readable presence cookie (docs/adr/0021): set with the refresh cookie, gone when it is useless. */
const PRESENCE = /(?:^|;\s*)has_session=1(?:;|$)/;

/** True while auth's presence cookie says the refresh cookie can continue a session. */
export function hasSessionCookie(cookie: string): boolean {
  return PRESENCE.test(cookie);
}

/** Options of {@link createBrowserPlatform}. */
export interface BrowserPlatformOptions {
  queryClient: QueryClient;
  reportError?: (error: unknown) => void;
  /** API origin; default same origin (the gateway serves the frontends and proxies `/api`). */
  baseUrl?: string;
  /** Wraps the browser's fetch (the shell notes reads the service worker answered from its cache). */
  wrapFetch?: (fetch: FetchLike) => FetchLike;
}

const CHANNEL = "payments-session";

function broadcastChannel(): SyncChannel {
  const channel = new BroadcastChannel(CHANNEL);
  return {
    post: (message: SessionSyncMessage) => channel.postMessage(message),
    subscribe(handler) {
      // Typed as Event so it fits both the DOM and Bun declarations of BroadcastChannel.
      const listener = (event: Event) => handler("data" in event ? event.data : undefined);
      channel.addEventListener("message", listener);
      return () => channel.removeEventListener("message", listener);
    },
  };
}

/** The part of `localStorage` the fallback channel uses. */
export interface StorageLike {
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
/** A `storage` event as the fallback channel reads it. */
export interface StorageEventLike {
  key: string | null;
  newValue: string | null;
}
/** Where `storage` events arrive (the window). */
export interface StorageEventSource {
  addEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
  removeEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
}

/**
 * The cross-tab channel where BroadcastChannel is missing: a message is written to `localStorage` and
 * removed at once; every other tab of the origin gets a `storage` event with it (the writing tab does not,
 * which is the channel's no-echo rule). Each write carries a nonce, since writing the same value twice
 * fires no event. The removal keeps a token from staying on disk.
 */
export function storageChannel(
  storage: StorageLike,
  source: StorageEventSource,
  key = CHANNEL,
  nonce: () => string = () => `${Date.now()}-${Math.random()}`,
): SyncChannel {
  return {
    post(message) {
      try {
        storage.setItem(key, JSON.stringify({ nonce: nonce(), message }));
        storage.removeItem(key);
      } catch {
        // Storage full or disabled (private mode): the other tabs catch up at their next refresh.
      }
    },
    subscribe(handler) {
      const listener = (event: StorageEventLike) => {
        if (event.key !== key || event.newValue === null) return; // the removal that follows each write
        let parsed: unknown;
        try {
          parsed = JSON.parse(event.newValue);
        } catch {
          return;
        }
        // The session store validates the message itself (anything in the origin can write here).
        if (typeof parsed === "object" && parsed !== null && "message" in parsed) handler(parsed.message);
      };
      source.addEventListener("storage", listener);
      return () => source.removeEventListener("storage", listener);
    },
  };
}

/** The globals {@link syncChannel} looks for. */
export interface SyncGlobals {
  BroadcastChannel?: unknown;
  localStorage?: StorageLike;
  addEventListener?: StorageEventSource["addEventListener"];
  removeEventListener?: StorageEventSource["removeEventListener"];
}

/** BroadcastChannel where the browser has it, else the `storage` event, else no cross-tab sync. */
export function syncChannel(globals: SyncGlobals): SyncChannel | undefined {
  if (typeof globals.BroadcastChannel === "function") return broadcastChannel();
  const { addEventListener, removeEventListener } = globals;
  let storage: StorageLike | undefined;
  try {
    storage = globals.localStorage; // reading it throws where storage is blocked
  } catch {
    return undefined;
  }
  if (!storage || !addEventListener || !removeEventListener) return undefined;
  return storageChannel(storage, {
    addEventListener: addEventListener.bind(globals),
    removeEventListener: removeEventListener.bind(globals),
  });
}

function defaultCurrency(locale: string): string {
  // A region's currency is not in Intl; a short table covers the common cases, usd otherwise.
  const region = locale.split("-")[1]?.toUpperCase();
  const byRegion: Record<string, string> = {
    GB: "gbp",
    JP: "jpy",
    IN: "inr",
    CH: "chf",
    CA: "cad",
    AU: "aud",
  };
  const euro = ["DE", "FR", "ES", "IT", "NL", "BE", "AT", "IE", "PT", "FI", "GR"];
  if (region && euro.includes(region)) return "eur";
  return (region && byRegion[region]) || "usd";
}

/** The platform wired to the real browser: fetch, WebSocket, BroadcastChannel, Web Locks, sendBeacon. */
export function createBrowserPlatform(options: BrowserPlatformOptions): Platform {
  const nav = globalThis.navigator as BrowserNavigator | undefined;
  const loc = (globalThis as { location?: BrowserLocation }).location;
  const locale = nav?.language ?? "en";
  const locks = nav?.locks;
  const channel = syncChannel(globalThis as SyncGlobals);
  const fetch: FetchLike = (input, init) => globalThis.fetch(input, init);
  const doc = (globalThis as { document?: BrowserDocument }).document;
  return createPlatform({
    fetch: options.wrapFetch ? options.wrapFetch(fetch) : fetch,
    baseUrl: options.baseUrl ?? "",
    queryClient: options.queryClient,
    timers: {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    createSocket: (url) => new WebSocket(url),
    socketUrl: (ticket) =>
      `${loc?.protocol === "https:" ? "wss" : "ws"}://${loc?.host ?? "localhost"}/ws?ticket=${encodeURIComponent(ticket)}`,
    sendBeacon: (url, body) => {
      const blob = new Blob([body], { type: "application/json" });
      // While the page is visible, an ordinary request: it passes through the service worker, which
      // keeps a batch that fails (offline) and sends it later. sendBeacon is for the page being hidden
      // or left, which it outlives (browsers need not route it through the worker).
      const visible = doc?.visibilityState === undefined || doc.visibilityState === "visible";
      if (!visible && nav?.sendBeacon) return nav.sendBeacon(url, blob);
      void globalThis
        .fetch(url, {
          method: "POST",
          body: blob,
          headers: { "content-type": "application/json" },
          keepalive: !visible,
        })
        .catch(() => {});
      return true;
    },
    ...(channel ? { channel } : {}),
    ...(locks ? { lock: <T>(name: string, task: () => Promise<T>) => locks.request(name, task) } : {}),
    defaultPreferences: { theme: "system", locale, default_currency: defaultCurrency(locale) },
    ...(options.reportError ? { reportError: options.reportError } : {}),
    ...(doc ? { hasSession: () => hasSessionCookie(doc.cookie) } : {}),
  });
}
