import type { Analytics, RemoteAppProps } from "@payments/api-client";
import type { ComponentType } from "react";

/** The remotes the shell hosts. */
export type RemoteName = "auth" | "payments" | "admin";

/** What every remote exposes as `./App`. */
export type RemoteComponent = ComponentType<RemoteAppProps>;

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
  load(name: RemoteName): Promise<RemoteComponent>;
  /** Forget a failed load and prepare a fresh attempt. */
  retry(name: RemoteName): void;
}

/** Creates the loader (one per page). */
export function createRemoteLoader(deps: RemoteLoaderDeps): RemoteLoader {
  const now = deps.now ?? (() => performance.now());
  const loads = new Map<RemoteName, Promise<RemoteComponent>>();
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
      loads.set(name, loading);
      return loading;
    },
    retry(name) {
      loads.delete(name);
      const attempt = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, attempt);
      deps.resetRemote(name, attempt);
    },
  };
}
