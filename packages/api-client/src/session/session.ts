import type { userSnapshotSchema } from "@payments/contracts";
import { ROLES } from "@payments/contracts/browser";
import * as v from "valibot";
import type * as classic from "zod";

/** The signed-in user as auth returns it (contracts' user snapshot). */
export type SessionUser = classic.infer<typeof userSnapshotSchema>;

/**
 * Reads contracts' `userSnapshotSchema` in the browser with valibot (zod, with every contract schema, is
 * not part of the first load; see endpoints/resources.ts). Formats are the server's to check; the
 * annotation keeps the result the contract's type.
 */
export const sessionUserSchema: v.GenericSchema<unknown, SessionUser> = v.object({
  id: v.custom<SessionUser["id"]>((id) => typeof id === "string" && id.startsWith("usr_")),
  email: v.string(),
  name: v.string(),
  role: v.picklist(ROLES),
  active: v.boolean(),
  created_at: v.string(),
});

/** Body of register, login and refresh: who, an access token, and its lifetime in seconds. */
export const sessionGrantSchema = v.object({
  user: sessionUserSchema,
  access_token: v.pipe(v.string(), v.minLength(1)),
  expires_in: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** A {@link sessionGrantSchema} value. */
export type SessionGrant = v.InferOutput<typeof sessionGrantSchema>;

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

const syncMessageSchema = v.variant("kind", [
  v.object({ kind: v.literal("grant"), grant: sessionGrantSchema, receivedAt: v.number() }),
  v.object({ kind: v.literal("signed_out"), reason: v.picklist(["logout", "expired", "other_tab"]) }),
]);

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
    const grant = await deps.refreshRequest();
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
    const parsed = v.safeParse(syncMessageSchema, raw);
    if (!parsed.success) return;
    const message = parsed.output;
    if (message.kind === "grant") adopt(message.grant, message.receivedAt);
    else if (state.status !== "signed_out") end("other_tab", false);
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
