/**
 * What the service worker (src/sw.ts) does with each request, as plain functions the tests can call
 * without a worker: which strategy a request gets, how a cached API read is keyed and marked.
 * docs/adr/0029-offline-service-worker.md explains the choices.
 */

/** The Cache Storage names the worker writes (besides Workbox's precache). */
export const CACHES = {
  /** Last answers of the reads worth showing offline, per user (see {@link apiReadCacheKey}). */
  apiReads: "api-reads",
  remoteAssets: "remote-assets",
  /** Fonts, the remotes' unhashed entry files, cross-origin styles and scripts. */
  revalidated: "revalidated",
  images: "images",
} as const;

/** Background-sync queue of analytics beacons that could not be sent. */
export const BEACON_QUEUE = "analytics-beacons";

/** How long the network gets before a cached read is shown instead (seconds). */
export const API_READ_TIMEOUT_S = 4;

/** Response headers the worker adds to a read answered from its cache. */
export const STALE_HEADER = "x-sw-cache";
export const CACHED_AT_HEADER = "x-sw-cached-at";

/** Messages pages send the worker. */
export type WorkerMessage = { type: "SKIP_WAITING" } | { type: "REPLAY_BEACONS" };

/** One of the six strategies (plus "none": the worker leaves the request to the browser). */
export type Strategy =
  | "network-first-api-read"
  | "network-only-beacon"
  | "network-only"
  | "navigation"
  | "stale-while-revalidate"
  | "cache-first-image"
  | "cache-first-remote-asset"
  | "none";

/** The fields of a request the routing looks at. */
export interface RequestFacts {
  method: string;
  mode: string;
  destination: string;
  url: URL;
  /** The page's origin (the worker's own). */
  origin: string;
}

/** The API reads that stay readable offline: the payments list and the user's profile. */
const OFFLINE_READS = new Set(["/api/payments", "/api/profile/me", "/api/profile/me/preferences"]);

/** Chooses the strategy of a request (the order matters: the API is matched before any asset rule). */
export function strategyFor(request: RequestFacts): Strategy {
  const { url, method } = request;
  const sameOrigin = url.origin === request.origin;
  if (sameOrigin && (url.pathname.startsWith("/api/") || url.pathname === "/ws")) {
    if (method === "GET" && OFFLINE_READS.has(url.pathname)) return "network-first-api-read";
    if (method === "POST" && url.pathname === "/api/analytics") return "network-only-beacon";
    // Every write, and every other read: never from a cache (money moves, tokens rotate).
    return "network-only";
  }
  if (method !== "GET") return "none";
  if (request.mode === "navigate") return "navigation";
  if (request.destination === "font") return "stale-while-revalidate";
  if (sameOrigin && /^\/remotes\/[a-z]+\/assets\//.test(url.pathname)) return "cache-first-remote-asset";
  // Unhashed remote files (remoteEntry.js, preload.json) and any cross-origin script or style.
  if (sameOrigin && /^\/remotes\/[a-z]+\/(remoteEntry\.js|preload\.json)$/.test(url.pathname))
    return "stale-while-revalidate";
  if (!sameOrigin && (request.destination === "style" || request.destination === "script"))
    return "stale-while-revalidate";
  if (request.destination === "image") return "cache-first-image";
  return "none";
}

/**
 * The subject of a bearer token, read without verifying it: the worker only uses it to keep one user's
 * cached reads apart from another's on a shared browser (the server still checks every request).
 */
export function tokenSubject(authorization: string | null): string | undefined {
  const token = authorization?.match(/^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/)?.[2];
  if (!token) return undefined;
  try {
    const json = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    if (typeof claims !== "object" || claims === null || !("sub" in claims)) return undefined;
    return typeof claims.sub === "string" && /^[a-z]{2,4}_[0-9a-z]{1,64}$/i.test(claims.sub)
      ? claims.sub
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cache key of an API read: its URL plus the user it was read for. Without a user (no bearer
 * token) there is no key, so nothing is cached or served.
 */
export function apiReadCacheKey(url: string, authorization: string | null): string | undefined {
  const subject = tokenSubject(authorization);
  if (!subject) return undefined;
  const key = new URL(url);
  key.searchParams.set("__user", subject);
  return key.href;
}

/** A copy of a response to be cached, stamped with the time it was read from the network. */
export function stampForCache(response: Response, now: Date): Response {
  const headers = new Headers(response.headers);
  headers.set(CACHED_AT_HEADER, now.toISOString());
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A cached response as the page receives it: marked stale, with the time it was read. */
export function markStale(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set(STALE_HEADER, "stale");
  if (!headers.has(CACHED_AT_HEADER)) headers.set(CACHED_AT_HEADER, headers.get("date") ?? "");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Whether a page message is one the worker acts on. */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== "object" || data === null || !("type" in data)) return false;
  return data.type === "SKIP_WAITING" || data.type === "REPLAY_BEACONS";
}

/**
 * Runs `task` one call at a time: each call starts when the previous one has settled, and answers with its
 * own outcome. The worker replays kept beacons through it: Workbox's shiftRequest reads the first entry and
 * deletes it in two steps, so two replays at once (the `sync` event, the page's message, a beacon that got
 * through) could both send the same beacon, and the gateway would count it twice.
 */
export function oneAtATime(task: () => Promise<void>): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const run = last.then(task);
    last = run.catch(() => {});
    return run;
  };
}
