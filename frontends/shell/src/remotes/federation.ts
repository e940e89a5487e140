import { createInstance, type ModuleFederation } from "@module-federation/runtime";
import * as runtimeCore from "@module-federation/runtime/core";
import type { Analytics } from "@payments/api-client";
import { config } from "../config.ts";
import { createRemoteLoader, type RemoteComponent, type RemoteLoader, type RemoteName } from "./loader.ts";
import { sharedModules } from "./shared.ts";

const REMOTES: readonly RemoteName[] = ["auth", "payments", "admin"];

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

/** A remote as the runtime registers it: an ES module entry sharing the default scope. */
function remote(name: RemoteName, entry: string) {
  return { name, alias: name, entry, type: "module" as const, shareScope: "default" };
}

/**
 * The shell's Module Federation runtime, used directly (docs/adr/0008): the remotes are fetched and their
 * exposed `./App` loaded by name, and the shell hands over its own React, router, query, design system and
 * API client as the shared singletons. It also publishes the runtime core for the remotes' builds
 * (`experiments.externalRuntime`), so only one copy of the runtime is ever downloaded.
 */
export function createFederation(): ModuleFederation {
  const scope = globalThis as typeof globalThis & { _FEDERATION_RUNTIME_CORE?: unknown };
  scope._FEDERATION_RUNTIME_CORE ??= runtimeCore;
  return createInstance({
    name: "shell",
    remotes: REMOTES.map((name) => remote(name, config.remoteEntries[name])),
    shared: sharedModules(config.sharedVersions),
    // A remote's entry is fetched when its route is needed, not at start-up to negotiate versions: every
    // copy of a shared module comes from this repository.
    shareStrategy: "loaded-first",
  });
}

/**
 * The loader wired to Module Federation. A failed entry stays failed in the browser's module map, so a
 * retry re-registers the remote at a fresh entry URL (`?retry=n`) before loading it again.
 */
export function createFederationLoader(analytics: Analytics): RemoteLoader {
  const federation = createFederation();
  return createRemoteLoader({
    importRemote: (name) =>
      federation
        .loadRemote<{ default?: unknown }>(`${name}/App`)
        .then((module) => exposedComponent(name, module)),
    resetRemote(name, attempt) {
      federation.registerRemotes([remote(name, `${config.remoteEntries[name]}?retry=${attempt}`)], {
        force: true,
      });
    },
    analytics,
  });
}
