import type { Query, QueryClient } from "@tanstack/react-query";
import { type Analytics, createAnalytics } from "../analytics/index.ts";
import { type Api, createApi, type Preferences, refreshGrant } from "../endpoints/index.ts";
import { ApiError, createHttpClient, type FetchLike, type HttpClient } from "../http/index.ts";
import { keysForEvent, keysForRoom } from "../query/index.ts";
import { createRealtimeClient, type RealtimeClient, type WebSocketLike } from "../realtime/index.ts";
import { createSessionStore, type SessionStore, type SyncChannel, type Timers } from "../session/index.ts";
import { createFreshness } from "./freshness.ts";

/** The user's display preferences, applied by the shell and read by every remote. */
export interface PreferencesStore {
  get(): Preferences;
  set(next: Preferences): void;
  subscribe(listener: () => void): () => void;
  /** Reads them from the profile service again (the platform's store; a remote's own store may lack it). */
  reload?(): void;
}

/**
 * Everything a micro-frontend needs from its host, passed explicitly (props, not globals), so a remote works
 * the same inside the shell and standalone in development.
 */
export interface Platform {
  api: Api;
  http: HttpClient;
  session: SessionStore;
  realtime: RealtimeClient;
  queryClient: QueryClient;
  preferences: PreferencesStore;
  analytics: Analytics;
  /** Sends an error to Sentry when it is configured; a no-op otherwise. */
  reportError(error: unknown): void;
}

/** Props of every remote's exposed `./App`. */
export interface RemoteAppProps {
  platform: Platform;
  /** Where the host mounted the remote ("/payments"); links inside the remote are relative to it. */
  basePath: string;
}

/** The primitives {@link createPlatform} wires together (browser globals in production, fakes in tests). */
export interface PlatformDeps {
  fetch: FetchLike;
  /** "" for same origin. */
  baseUrl: string;
  queryClient: QueryClient;
  timers: Timers;
  createSocket(url: string): WebSocketLike;
  socketUrl(ticket: string): string;
  sendBeacon(url: string, body: string): boolean;
  channel?: SyncChannel;
  lock?: <T>(name: string, task: () => Promise<T>) => Promise<T>;
  defaultPreferences: Preferences;
  reportError?: (error: unknown) => void;
  /** Whether auth's presence cookie says a refresh can succeed (see SessionDeps.hasSession). */
  hasSession?: () => boolean;
}

function createPreferencesStore(initial: Preferences): PreferencesStore {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Builds the platform: HTTP client with transparent refresh, session store with cross-tab sync, real-time
 * client whose events invalidate TanStack queries, preferences loaded at sign-in, analytics of API timings.
 */
/** Queries read, or being read, by `at` (ms since the epoch): those a baseline at `at` must refetch. */
export function readBy(at: number): (query: Query) => boolean {
  return (query) =>
    query.state.fetchStatus === "fetching" ||
    (query.state.dataUpdatedAt > 0 && query.state.dataUpdatedAt <= at);
}

export function createPlatform(deps: PlatformDeps): Platform {
  const analytics = createAnalytics({ send: deps.sendBeacon });
  // The session needs the HTTP client for refresh and the client needs the session for tokens: the
  // refresh/logout calls use a client without auth hooks, so there is no cycle at run time.
  const bare = createHttpClient({
    fetch: deps.fetch,
    baseUrl: deps.baseUrl,
    auth: { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} },
  });
  const session = createSessionStore({
    refreshRequest: () => refreshGrant(bare),
    ...(deps.hasSession ? { hasSession: deps.hasSession } : {}),
    logoutRequest: async (token) => {
      await bare.send("/api/auth/logout", {
        method: "POST",
        authenticated: false,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    },
    timers: deps.timers,
    ...(deps.channel ? { channel: deps.channel } : {}),
    ...(deps.lock ? { lock: deps.lock } : {}),
  });
  const http = createHttpClient({
    fetch: deps.fetch,
    baseUrl: deps.baseUrl,
    auth: {
      accessToken: () => session.accessToken(),
      refresh: () => session.refresh(),
      sessionEnded: () => session.expire(),
    },
    onTiming: (t) =>
      analytics.track({
        type: "api_timing",
        route: t.route,
        method: t.method,
        status: t.status,
        duration_ms: t.ms,
      }),
  });
  // Reads of payments are made again while older than what the payments' events announced (freshness.ts).
  const freshness = createFreshness(deps.timers);
  const endpoints = createApi(http);
  const api: Api = {
    ...endpoints,
    payments: {
      ...endpoints.payments,
      get: (id) =>
        freshness.read(
          () => endpoints.payments.get(id),
          (payment) => [payment],
        ),
      list: (...args) =>
        freshness.read(
          () => endpoints.payments.list(...args),
          (page) => page.data,
        ),
    },
  };
  const realtime = createRealtimeClient({
    getTicket: async () => (await api.realtime.ticket()).ticket,
    socketUrl: deps.socketUrl,
    createSocket: deps.createSocket,
    timers: deps.timers,
    isFatal: (error) => error instanceof ApiError && (error.status === 401 || error.status === 403),
  });
  const preferences: PreferencesStore = {
    ...createPreferencesStore(deps.defaultPreferences),
    reload: () => loadPreferences(),
  };
  const { queryClient } = deps;

  let signedInAs: string | undefined;
  function loadPreferences(): void {
    api.profile
      .preferences()
      .then((prefs) => preferences.set(prefs))
      .catch(() => {
        // No profile yet (it is created asynchronously from user.registered): the defaults stay.
      });
  }

  realtime.onEvent((event) => {
    const { data } = event;
    if (event.type.startsWith("payment.") && "id" in data && "updated_at" in data) freshness.announce(data);
    for (const queryKey of keysForEvent(event)) void queryClient.invalidateQueries({ queryKey });
    if (event.type === "profile.updated" && event.data.user_id === signedInAs) loadPreferences();
  });
  realtime.onResync((rooms) => {
    for (const room of rooms) {
      for (const queryKey of keysForRoom(room)) void queryClient.invalidateQueries({ queryKey });
    }
  });
  // Only what was read (or was being read) before the subscription began can have missed an event.
  realtime.onBaseline((rooms, at) => {
    for (const room of rooms) {
      for (const queryKey of keysForRoom(room)) {
        void queryClient.invalidateQueries({ queryKey, predicate: readBy(at) });
      }
    }
  });

  session.subscribe(() => {
    const state = session.getState();
    const userId = state.status === "signed_in" ? state.user.id : undefined;
    if (userId === signedInAs) return;
    signedInAs = userId;
    // Another user's data must never show: a change of identity starts from an empty cache.
    realtime.stop();
    queryClient.clear();
    freshness.clear();
    if (!userId) return;
    realtime.start();
    loadPreferences();
  });

  return {
    api,
    http,
    session,
    realtime,
    queryClient,
    preferences,
    analytics,
    reportError: deps.reportError ?? (() => {}),
  };
}
