import { useSyncExternalStore } from "react";
import { CACHED_AT_HEADER, STALE_HEADER } from "./sw-rules.ts";

/** A read the service worker answered from its cache (the network failed or was too slow). */
export interface StaleRead {
  /** The API path (`/api/payments`), without the query. */
  path: string;
  /** When the cached answer was read from the network (ISO-8601), if known. */
  cachedAt: string | undefined;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Which reads the page currently shows from the worker's cache; the shell says so (ConnectionNotice). */
export interface StaleReads {
  /** Wraps the platform's fetch: notes a stale answer, and forgets it when the same read answers fresh. */
  track(fetch: FetchLike): FetchLike;
  list(): readonly StaleRead[];
  subscribe(listener: () => void): () => void;
  clear(): void;
}

/** Creates the store (one per page: main.tsx and the layout share {@link staleReads}). */
export function createStaleReads(): StaleReads {
  let reads: readonly StaleRead[] = [];
  const listeners = new Set<() => void>();
  const set = (next: readonly StaleRead[]) => {
    reads = next;
    for (const listener of listeners) listener();
  };
  return {
    track: (fetch) => async (input, init) => {
      const response = await fetch(input, init);
      const method = (init.method ?? "GET").toUpperCase();
      if (method !== "GET") return response;
      const path = new URL(input, "http://page.invalid").pathname;
      const others = reads.filter((read) => read.path !== path);
      if (response.headers.get(STALE_HEADER) === "stale") {
        const cachedAt = response.headers.get(CACHED_AT_HEADER) || undefined;
        set([...others, { path, cachedAt }]);
      } else if (response.ok && others.length !== reads.length) set(others);
      return response;
    },
    list: () => reads,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => set([]),
  };
}

/** The page's store. */
export const staleReads = createStaleReads();

/** The reads shown from the cache right now (re-renders when that changes). */
export function useStaleReads(store: StaleReads = staleReads): readonly StaleRead[] {
  return useSyncExternalStore(store.subscribe, store.list, store.list);
}

const NAMES: Record<string, string> = {
  "/api/payments": "payments list",
  "/api/profile/me": "profile",
  "/api/profile/me/preferences": "preferences",
};

/** "the payments list saved at 10:02" — what the notice says about the stale reads. */
export function describeStale(reads: readonly StaleRead[], locale: string): string {
  const parts = reads.map((read) => {
    const name = NAMES[read.path] ?? "page";
    const at = read.cachedAt ? new Date(read.cachedAt) : undefined;
    if (!at || Number.isNaN(at.getTime())) return `the ${name} last loaded`;
    const time = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(at);
    return `the ${name} as loaded on ${time}`;
  });
  return `The server cannot be reached. Showing ${parts.join(" and ")}: it may be out of date.`;
}
