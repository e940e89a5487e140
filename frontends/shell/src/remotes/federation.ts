import { registerRemotes } from "@module-federation/runtime";
import type { Analytics } from "@payments/api-client";
import { config } from "../config.ts";
import { createRemoteLoader, type RemoteLoader, type RemoteName } from "./loader.ts";

/** The loader wired to Module Federation: the static `import("<remote>/App")` the plugin resolves. */
export function createFederationLoader(analytics: Analytics): RemoteLoader {
  return createRemoteLoader({
    importRemote(name: RemoteName) {
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
      // A browser may keep a failed module fetch in its module map; a new URL makes the retry real.
      registerRemotes([{ name, type: "module", entry: `${config.remoteEntries[name]}?retry=${attempt}` }], {
        force: true,
      });
    },
    analytics,
  });
}
