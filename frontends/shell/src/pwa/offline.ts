import type { SessionStore } from "@payments/api-client";
import type { StaleReads } from "./stale-reads.ts";
import { CACHES, type WorkerMessage } from "./sw-rules.ts";

/** The browser APIs used (injected in tests). */
export interface OfflineDeps {
  /** Cache Storage; absent on an insecure origin. */
  caches?: Pick<CacheStorage, "delete">;
  /** The service worker controlling the page, if any. */
  controller(): Pick<ServiceWorker, "postMessage"> | null | undefined;
  onOnline(listener: () => void): void;
  setTimeout(fn: () => void, ms: number): void;
}

/** What the page does with its data. */
export interface OfflineData {
  /** The shell's session. */
  session: Pick<SessionStore, "subscribe" | "getState">;
  /** The reads shown from the worker's cache. */
  stale: Pick<StaleReads, "clear" | "list">;
  /** Reads everything shown again (TanStack Query's `invalidateQueries`). */
  refetch(): void;
}

/** The catch-ups after the first one on `online`. */
export const RETRIES_AFTER_ONLINE_MS = [5_000, 15_000, 30_000];

function browserDeps(): OfflineDeps {
  return {
    ...(typeof caches === "undefined" ? {} : { caches }),
    controller: () => (typeof navigator === "undefined" ? undefined : navigator.serviceWorker?.controller),
    onOnline: (listener) => window.addEventListener("online", listener),
    setTimeout: (fn, ms) => void window.setTimeout(fn, ms),
  };
}

/**
 * The page's half of offline support. On sign-out the cached API reads are deleted, so nothing of this
 * user's payments stays in the browser (the worker keys them per user as well). Back online, the worker
 * is asked to send the analytics beacons it kept (browsers without Background Sync, and Chromium when
 * its connectivity changes without a `sync` event, would otherwise wait for the next beacon), and saved
 * copies on the page are read again: TanStack Query counts them as fresh, so its own refetch on reconnect
 * would leave them for up to `staleTime`.
 */
export function startOfflineSupport(
  { session, stale, refetch }: OfflineData,
  deps: OfflineDeps = browserDeps(),
): () => void {
  let signedIn = session.getState().status === "signed_in";
  const unsubscribe = session.subscribe(() => {
    const now = session.getState().status === "signed_in";
    if (signedIn && !now) {
      stale.clear();
      void deps.caches?.delete(CACHES.apiReads).catch(() => false);
    }
    signedIn = now;
  });
  const catchUp = () => {
    const message: WorkerMessage = { type: "REPLAY_BEACONS" };
    deps.controller()?.postMessage(message);
    if (stale.list().length > 0) refetch();
  };
  deps.onOnline(() => {
    catchUp();
    // `online` can come before requests get through (a radio waking up, a captive portal; in Chromium the
    // worker's network may follow the page's a moment later): a few more tries over the next half minute.
    for (const ms of RETRIES_AFTER_ONLINE_MS) deps.setTimeout(catchUp, ms);
  });
  return unsubscribe;
}
