/// <reference lib="webworker" />
/**
 * The shell's service worker (vite-plugin-pwa `injectManifest`: this file, plus the precache list the
 * build injects). Which request gets which strategy is decided in pwa/sw-rules.ts (tested there);
 * docs/adr/0029-offline-service-worker.md records why.
 */
import { Queue } from "workbox-background-sync";
import { CacheableResponsePlugin } from "workbox-cacheable-response";
import type { WorkboxPlugin } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { CacheFirst, NetworkFirst, NetworkOnly, StaleWhileRevalidate } from "workbox-strategies";
import {
  API_READ_TIMEOUT_S,
  apiReadCacheKey,
  BEACON_QUEUE,
  CACHES,
  isWorkerMessage,
  markStale,
  oneAtATime,
  type Strategy,
  stampForCache,
  strategyFor,
} from "./pwa/sw-rules.ts";

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// 1. Precache: the shell's hashed build and the offline page (the list is injected at build time).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const day = 86_400;
const matches =
  (strategy: Strategy) =>
  ({ request, url }: { request: Request; url: URL }) =>
    strategyFor({
      method: request.method,
      mode: request.mode,
      destination: request.destination,
      url,
      origin: self.location.origin,
    }) === strategy;

// 2. Network-first with a timeout for the reads worth showing offline (payments list, profile): a read
// that answers is cached for this user; one that fails or is slow is answered from the cache, marked
// stale so the page can say so. No bearer token → no cache key → the read is neither cached nor served.
const apiReadPlugin: WorkboxPlugin = {
  cacheKeyWillBeUsed: async ({ request }) =>
    apiReadCacheKey(request.url, request.headers.get("authorization")) ?? "about:blank#no-user",
  cacheWillUpdate: async ({ request, response }) =>
    response.status === 200 && apiReadCacheKey(request.url, request.headers.get("authorization"))
      ? stampForCache(response, new Date())
      : null,
  cachedResponseWillBeUsed: async ({ cachedResponse }) =>
    cachedResponse ? markStale(cachedResponse) : undefined,
};
registerRoute(
  matches("network-first-api-read"),
  new NetworkFirst({
    cacheName: CACHES.apiReads,
    networkTimeoutSeconds: API_READ_TIMEOUT_S,
    plugins: [apiReadPlugin, new ExpirationPlugin({ maxEntries: 50, maxAgeSeconds: 7 * day })],
  }),
);

// 3. Background sync for analytics beacons: a beacon that cannot be sent is kept (IndexedDB) and sent
// when the browser is back online (the `sync` event, or the page's REPLAY_BEACONS on `online`).
// Replays run one at a time (see oneAtATime): concurrent ones could send a kept beacon twice.
const replayInTurn = oneAtATime(() => beacons.replayRequests());
const beacons = new Queue(BEACON_QUEUE, { maxRetentionTime: 24 * 60, onSync: replayInTurn });
const replayBeacons = () => replayInTurn().catch(() => {}); // still offline: kept for later
registerRoute(
  matches("network-only-beacon"),
  new NetworkOnly({
    plugins: [
      {
        fetchDidFail: async ({ request }) => {
          await beacons.pushRequest({ request });
        },
        fetchDidSucceed: async ({ response }) => {
          // The network is back: whatever waited goes now, behind this one.
          void replayBeacons();
          return response;
        },
      },
    ],
  }),
  "POST",
);

// 4. Network-only for writes and every other API call (registered for each method the API uses).
for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
  registerRoute(matches("network-only"), new NetworkOnly(), method);
}

// Navigations go to the network (a deploy is seen at once); offline they get the offline page, which
// retries by itself (public/offline.js).
const navigation = new NetworkOnly();
registerRoute(matches("navigation"), async (options) => {
  try {
    return await navigation.handle(options);
  } catch {
    return (await matchPrecache("offline.html")) ?? Response.error();
  }
});

// 5. Stale-while-revalidate for fonts, the remotes' unhashed entry files and any cross-origin style or
// script: shown at once from the cache, refreshed behind for the next load.
registerRoute(
  matches("stale-while-revalidate"),
  new StaleWhileRevalidate({
    cacheName: CACHES.revalidated,
    plugins: [
      new CacheableResponsePlugin({ statuses: [0, 200] }),
      new ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 30 * day }),
    ],
  }),
);

// 6. Cache-first for content-hashed remote assets (a name never changes content) and for images.
registerRoute(
  matches("cache-first-remote-asset"),
  new CacheFirst({
    cacheName: CACHES.remoteAssets,
    plugins: [new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 30 * day })],
  }),
);
registerRoute(
  matches("cache-first-image"),
  new CacheFirst({
    cacheName: CACHES.images,
    plugins: [
      new CacheableResponsePlugin({ statuses: [0, 200] }),
      new ExpirationPlugin({ maxEntries: 100, maxAgeSeconds: 30 * day }),
    ],
  }),
);

self.addEventListener("message", (event) => {
  if (!isWorkerMessage(event.data)) return;
  // The update prompt's "Reload": the waiting worker takes over, then the page reloads.
  if (event.data.type === "SKIP_WAITING") void self.skipWaiting();
  else event.waitUntil(replayBeacons());
});
