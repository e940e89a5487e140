import type { Analytics, RemoteAppProps } from "@payments/api-client";
import type { ComponentType } from "react";

/** The remotes the shell hosts. */
export type RemoteName = "auth" | "payments" | "admin";

/** What every remote exposes as `./App`. */
export type RemoteComponent = ComponentType<RemoteAppProps>;

/** Where each remote is mounted: it owns every route under this prefix. */
export const REMOTE_PATHS: Readonly<Record<RemoteName, string>> = {
  auth: "/account",
  payments: "/payments",
  admin: "/admin",
};

/**
 * Path prefixes that lead into each remote: where it is mounted, and the shell's own shortcuts to its pages
 * (`/login` → `/account/login`). Used to start loading the remote of the page being opened early.
 */
export const LANDING_PREFIXES: ReadonlyArray<readonly [prefix: string, remote: RemoteName]> = [
  ["/login", "auth"],
  ["/register", "auth"],
  ...(Object.entries(REMOTE_PATHS) as [RemoteName, string][]).map(
    ([name, prefix]) => [prefix, name] as const,
  ),
];

/** The remote whose routes contain `pathname`, if any. */
export function remoteForPath(pathname: string): RemoteName | undefined {
  for (const [prefix, name] of LANDING_PREFIXES) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return name;
  }
  return undefined;
}

/** A remote could not be loaded (its `remoteEntry.js` or a chunk is unreachable, or it failed to start). */
export class RemoteUnavailableError extends Error {
  override readonly name = "RemoteUnavailableError";
  constructor(
    readonly remote: RemoteName,
    override readonly cause: unknown,
  ) {
    super(`The ${remote} remote could not be loaded`);
  }
}

/** Dependencies of {@link createRemoteLoader}. */
export interface RemoteLoaderDeps {
  /** Loads a remote's exposed module (the federation `import("<name>/App")`). */
  importRemote(name: RemoteName): Promise<{ default: RemoteComponent }>;
  /** Points the federation runtime at a fresh URL for the remote's entry, so a retry is not served a cached failure. */
  resetRemote(name: RemoteName, attempt: number): void;
  analytics?: Analytics;
  now?: () => number;
}

/** Loads each remote once and measures the load; a failure is kept (no render loop) until {@link RemoteLoader.retry}. */
export interface RemoteLoader {
  load(name: RemoteName): RemoteLoad;
  /** Forget a failed load and prepare a fresh attempt. */
  retry(name: RemoteName): void;
}

/** A remote's load, carrying its outcome once settled so it can be read without waiting. */
export type RemoteLoad = Promise<RemoteComponent> & {
  status?: "fulfilled" | "rejected";
  value?: RemoteComponent;
  reason?: unknown;
};

/** Records the outcome on the promise itself (the field names React's `use` also reads). */
function trackOutcome(promise: Promise<RemoteComponent>): RemoteLoad {
  const tracked: RemoteLoad = promise;
  promise.then(
    (value) => {
      tracked.status = "fulfilled";
      tracked.value = value;
    },
    (reason: unknown) => {
      tracked.status = "rejected";
      tracked.reason = reason;
    },
  );
  return tracked;
}

/** Creates the loader (one per page). */
export function createRemoteLoader(deps: RemoteLoaderDeps): RemoteLoader {
  const now = deps.now ?? (() => performance.now());
  const loads = new Map<RemoteName, RemoteLoad>();
  const attempts = new Map<RemoteName, number>();
  return {
    load(name) {
      const cached = loads.get(name);
      if (cached) return cached;
      const started = now();
      const loading = deps.importRemote(name).then(
        (module) => {
          deps.analytics?.track({
            type: "remote_load",
            remote: name,
            duration_ms: now() - started,
            ok: true,
          });
          return module.default;
        },
        (error: unknown) => {
          deps.analytics?.track({
            type: "remote_load",
            remote: name,
            duration_ms: now() - started,
            ok: false,
          });
          throw new RemoteUnavailableError(name, error);
        },
      );
      const tracked = trackOutcome(loading);
      loads.set(name, tracked);
      return tracked;
    },
    retry(name) {
      loads.delete(name);
      const attempt = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, attempt);
      deps.resetRemote(name, attempt);
    },
  };
}
