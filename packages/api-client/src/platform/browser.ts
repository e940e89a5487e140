import type { QueryClient } from "@tanstack/react-query";
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

/** Options of {@link createBrowserPlatform}. */
export interface BrowserPlatformOptions {
  queryClient: QueryClient;
  reportError?: (error: unknown) => void;
  /** API origin; default same origin (the gateway serves the frontends and proxies `/api`). */
  baseUrl?: string;
}

const CHANNEL = "payments-session";

function broadcastChannel(): SyncChannel | undefined {
  if (typeof BroadcastChannel === "undefined") return undefined;
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
  const channel = broadcastChannel();
  return createPlatform({
    fetch: (input, init) => globalThis.fetch(input, init),
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
      if (nav?.sendBeacon) return nav.sendBeacon(url, blob);
      void globalThis.fetch(url, { method: "POST", body: blob, keepalive: true }).catch(() => {});
      return true;
    },
    ...(channel ? { channel } : {}),
    ...(locks ? { lock: <T>(name: string, task: () => Promise<T>) => locks.request(name, task) } : {}),
    defaultPreferences: { theme: "system", locale, currency: defaultCurrency(locale) },
    ...(options.reportError ? { reportError: options.reportError } : {}),
  });
}
