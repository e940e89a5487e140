import type { Schema } from "../endpoints/call.ts";
import { isSignedIn } from "../generated/validators.js";

/** The signed-in user as auth returns it (the contract's `User`). */
export type SessionUser = Schema<"User">;
/** Body of register, login and refresh: who, an access token, and its lifetime (the contract's `SignedIn`). */
export type SessionGrant = Schema<"SignedIn">;

/** Why a session ended, so the login page can say so. */
export type SignOutReason = "logout" | "expired" | "other_tab";

/** Snapshot of the session (immutable; a new object on every change, for `useSyncExternalStore`). */
export type SessionState =
  | { status: "unknown" }
  | { status: "signed_out"; reason?: SignOutReason }
  | { status: "signed_in"; user: SessionUser; accessToken: string; expiresAt: number };

/** Messages tabs exchange over the sync channel. */
export type SessionSyncMessage =
  | { kind: "grant"; grant: SessionGrant; receivedAt: number }
  | { kind: "signed_out"; reason: SignOutReason };

/** A cross-tab channel (BroadcastChannel in browsers); messages never echo back to the sender. */
export interface SyncChannel {
  post(message: SessionSyncMessage): void;
  subscribe(handler: (message: unknown) => void): () => void;
}

/** Timer functions, injected so tests drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Dependencies of {@link createSessionStore}. */
export interface SessionDeps {
  /** `POST /api/auth/refresh` with the cookie; undefined when the server refuses (no live session). */
  refreshRequest(): Promise<SessionGrant | undefined>;
  /**
   * Whether a refresh can succeed at all: in the browser, auth's readable `has_session=1` cookie, present
   * exactly while the refresh cookie can continue a session (docs/adr/0021). When it says no, the store
   * treats the refresh as refused without asking, so a signed-out page load sends no request that fails.
   * Absent: always ask.
   */
  hasSession?: () => boolean;
  /** `POST /api/auth/logout`; failures are ignored by the store (the local session ends regardless). */
  logoutRequest(accessToken: string | undefined): Promise<void>;
  channel?: SyncChannel;
  /** Cross-tab mutual exclusion (Web Locks), so two tabs never spend the same refresh token at once. */
  lock?: <T>(name: string, task: () => Promise<T>) => Promise<T>;
  timers?: Timers;
  now?: () => number;
  /** Refresh this many ms before the access token expires (default 60 s). */
  refreshLeadMs?: number;
}

/** The session store: the browser's half of ARCHITECTURE §6. */
export interface SessionStore {
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  accessToken(): string | undefined;
  /** Adopt a grant from login/register, and tell the other tabs. */
  signIn(grant: SessionGrant): void;
  /**
   * Single-flight refresh; true when a new token is in place, false when the server refused (the session
   * then ends in every tab). Rejects when the server could not be reached (the session is kept).
   */
  refresh(): Promise<boolean>;
  /** End the session here, on the server, and in every tab. */
  signOut(): Promise<void>;
  /** The session is over (refresh refused); end it here and in every tab without calling the server. */
  expire(): void;
  /** Stop timers and listeners (tests, hot reload). */
  dispose(): void;
}

const RETRY_MS = 10_000;

const SIGN_OUT_REASONS: readonly string[] = ["logout", "expired", "other_tab"] satisfies SignOutReason[];

/**
 * A message another tab posted is checked before it is believed (anything in this origin can post on the
 * channel, and an older version of the app may still be open): a grant against the contract's `SignedIn`
 * schema, with the check generated from the contract. Synchronously: a tab waiting for the refresh lock
 * must have adopted the grant another tab broadcast before it decides to refresh on its own (a second
 * refresh with the same cookie would look like token theft and end the session family).
 */
function syncMessage(raw: unknown): SessionSyncMessage | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const message = raw as Record<string, unknown>;
  if (message.kind === "signed_out" && SIGN_OUT_REASONS.includes(String(message.reason)))
    return { kind: "signed_out", reason: message.reason as SignOutReason };
  if (message.kind !== "grant" || typeof message.receivedAt !== "number") return undefined;
  return isSignedIn(message.grant)
    ? { kind: "grant", grant: message.grant, receivedAt: message.receivedAt }
    : undefined;
}

/**
 * Keeps the access token in memory (never in storage), refreshes it before it expires and on demand, and
 * keeps every tab in step: a login, refresh or logout in one tab is broadcast so the others adopt the same
 * token or end their session too.
 */
export function createSessionStore(deps: SessionDeps): SessionStore {
  const now = deps.now ?? (() => Date.now());
  const lead = deps.refreshLeadMs ?? 60_000;
  const listeners = new Set<() => void>();
  let state: SessionState = { status: "unknown" };
  let inflight: Promise<boolean> | undefined;
  let timer: unknown;

  function set(next: SessionState): void {
    state = next;
    for (const listener of listeners) listener();
  }

  function planned(): void {
    timer = undefined;
    refresh().catch(() => {
      // Offline at the planned moment: try again shortly while the token may still be valid.
      if (state.status === "signed_in" && deps.timers) timer = deps.timers.setTimeout(planned, RETRY_MS);
    });
  }

  function schedule(): void {
    const timers = deps.timers;
    if (!timers) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    if (state.status !== "signed_in") return;
    timer = timers.setTimeout(planned, Math.max(1_000, state.expiresAt - lead - now()));
  }

  function adopt(grant: SessionGrant, receivedAt: number): void {
    set({
      status: "signed_in",
      user: grant.user,
      accessToken: grant.access_token,
      expiresAt: receivedAt + grant.expires_in * 1000,
    });
    schedule();
  }

  function end(reason: SignOutReason, broadcast: boolean): void {
    set({ status: "signed_out", reason });
    schedule();
    if (broadcast) deps.channel?.post({ kind: "signed_out", reason });
  }

  async function doRefresh(tokenBefore: string | undefined): Promise<boolean> {
    // While this tab waited for the lock, another tab may have refreshed and broadcast its grant.
    if (state.status === "signed_in" && state.accessToken !== tokenBefore && state.expiresAt - lead > now()) {
      return true;
    }
    // Network trouble is not proof the session ended: refreshRequest's error propagates to the caller and
    // the session is kept.
    const grant = deps.hasSession?.() === false ? undefined : await deps.refreshRequest();
    if (!grant) {
      // At start-up (state unknown) a refusal only means "not signed in": nothing to tell other tabs.
      if (state.status === "unknown") set({ status: "signed_out" });
      else end("expired", true);
      return false;
    }
    const receivedAt = now();
    adopt(grant, receivedAt);
    deps.channel?.post({ kind: "grant", grant, receivedAt });
    return true;
  }

  function refresh(): Promise<boolean> {
    if (inflight) return inflight;
    const tokenBefore = state.status === "signed_in" ? state.accessToken : undefined;
    const run = () => doRefresh(tokenBefore);
    inflight = (deps.lock ? deps.lock("payments-session-refresh", run) : run()).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  const unsubscribeChannel = deps.channel?.subscribe((raw) => {
    const message = syncMessage(raw);
    if (message?.kind === "grant") adopt(message.grant, message.receivedAt);
    else if (message?.kind === "signed_out" && state.status !== "signed_out") end("other_tab", false);
  });

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accessToken: () => (state.status === "signed_in" ? state.accessToken : undefined),
    signIn(grant) {
      const receivedAt = now();
      adopt(grant, receivedAt);
      deps.channel?.post({ kind: "grant", grant, receivedAt });
    },
    refresh,
    async signOut() {
      const token = state.status === "signed_in" ? state.accessToken : undefined;
      end("logout", true);
      try {
        await deps.logoutRequest(token);
      } catch {
        // The cookie may outlive a failed call; the server ends idle sessions anyway, and this tab is out.
      }
    },
    expire() {
      // Never signed in here (start-up check failed): nothing to end, nothing to tell other tabs.
      if (state.status === "unknown") set({ status: "signed_out" });
      else if (state.status === "signed_in") end("expired", true);
    },
    dispose() {
      unsubscribeChannel?.();
      if (timer !== undefined) deps.timers?.clearTimeout(timer);
      listeners.clear();
    },
  };
}
