import { getInstance, type ModuleFederation } from "@module-federation/runtime";
import type { Analytics } from "@payments/api-client";
import { config } from "../config.ts";
import { createRemoteLoader, type RemoteComponent, type RemoteLoader, type RemoteName } from "./loader.ts";

/** A remote as the federation runtime holds it (the plugin registers it under an internal name, aliased). */
type RegisteredRemote = ModuleFederation["options"]["remotes"][number];

/** The runtime instance that has `name` registered, and its registration (found by alias or name). */
function findRemote(name: RemoteName): { instance: ModuleFederation; remote: RegisteredRemote } | undefined {
  let remote: RegisteredRemote | undefined;
  // Searched in the page-wide registry: the instance the plugin created, whichever copy of the runtime made it.
  const instance = getInstance((candidate) => {
    remote = candidate.options.remotes.find((r) => r.alias === name || r.name === name);
    return remote !== undefined;
  });
  return instance && remote ? { instance, remote } : undefined;
}

/** The component of an exposed module, however the runtime wrapped it. */
function exposedComponent(
  name: RemoteName,
  module: { default?: unknown } | null,
): { default: RemoteComponent } {
  let exported = module?.default;
  if (exported && typeof exported === "object" && "__esModule" in exported && "default" in exported)
    exported = exported.default;
  if (exported === undefined || exported === null) throw new Error(`${name}/App has no default export`);
  return { default: exported as RemoteComponent };
}

/**
 * The loader wired to Module Federation. The first load is the static `import("<remote>/App")` the plugin
 * resolves (the landing hints preload its chunk). That chunk memoises its load for the life of the page —
 * a failure included — so a retry asks the plugin's runtime instance directly, after re-registering the
 * remote at a fresh entry URL (a browser keeps a failed module fetch in its module map).
 */
export function createFederationLoader(analytics: Analytics): RemoteLoader {
  const reset = new Set<RemoteName>();
  return createRemoteLoader({
    importRemote(name: RemoteName) {
      const found = reset.has(name) ? findRemote(name) : undefined;
      if (found) {
        return found.instance
          .loadRemote<{ default?: unknown }>(`${found.remote.name}/App`)
          .then((module) => exposedComponent(name, module));
      }
      switch (name) {
        case "auth":
          return import("auth/App");
        case "payments":
          return import("payments/App");
        case "admin":
          return import("admin/App");
      }
    },
    resetRemote(name, attempt) {
      const found = findRemote(name);
      // Not registered yet: the federation start-up itself failed; the static import is all there is.
      if (!found) return;
      found.instance.registerRemotes(
        [{ ...found.remote, entry: `${config.remoteEntries[name]}?retry=${attempt}` }],
        { force: true },
      );
      reset.add(name);
    },
    analytics,
  });
}
