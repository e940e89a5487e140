import { readFileSync } from "node:fs";
import { join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { precompress } from "../build/precompress.ts";
import { privateSourcemaps } from "../build/sourcemaps.ts";
import { DEV_PORTS, DEV_PROXY, type RemoteName, remoteBase } from "../vite.shared.ts";
import { preloadLandingRemote } from "./build/hints.ts";
import { LANDING_PREFIXES } from "./src/remotes/loader.ts";

const REMOTES: readonly RemoteName[] = ["auth", "payments", "admin"];

/**
 * Whether a built file goes into the service worker's precache. Left out: the Sentry SDK chunk, only
 * downloaded when a DSN is configured.
 */
function precacheable(url: string): boolean {
  if (!url.endsWith(".js")) return true;
  return !readFileSync(join(import.meta.dirname, "dist", url), "utf8").includes("__SENTRY__");
}

/** The `version` of an installed package (the shared-module versions the federation runtime registers). */
function versionOf(name: string): string {
  const file = join(import.meta.dirname, "node_modules", name, "package.json");
  const { version } = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
  if (typeof version !== "string") throw new Error(`${file} has no version`);
  return version;
}

export default defineConfig(({ command }) => {
  const dev = command === "serve";
  const entries = Object.fromEntries(
    REMOTES.map((name) => [
      name,
      dev ? `http://localhost:${DEV_PORTS[name]}/remoteEntry.js` : `${remoteBase(name)}remoteEntry.js`,
    ]),
  );
  return {
    base: "/",
    define: {
      // No manifest-based remotes or snapshot preloading here: leaves that code out of the runtime.
      FEDERATION_OPTIMIZE_NO_SNAPSHOT_PLUGIN: "true",
      __REMOTE_ENTRIES__: JSON.stringify(entries),
      __SHARED_VERSIONS__: JSON.stringify({
        router: versionOf("react-router"),
        query: versionOf("@tanstack/react-query"),
        workspace: versionOf("@payments/ui"),
      }),
    },
    // The shell drives the Module Federation runtime itself (src/remotes/federation.ts, docs/adr/0008): it
    // is a plain Vite app, so its own modules are bundled and tree-shaken like any other.
    plugins: [
      react(),
      // Source maps for Sentry, written beside dist/ and never into it (build/sourcemaps.ts).
      privateSourcemaps(),
      preloadLandingRemote(
        LANDING_PREFIXES.map(([prefix, remote]) => ({ prefix, entry: entries[remote] ?? "" })),
      ),
      VitePWA({
        // Our own worker (src/sw.ts: six strategies, background sync, per-user API cache); the plugin
        // compiles it and injects the precache list.
        strategies: "injectManifest",
        srcDir: "src",
        filename: "sw.ts",
        registerType: "prompt",
        injectRegister: false,
        manifest: {
          name: "Payments",
          short_name: "Payments",
          description: "Pay vendors, see what you received, govern the platform.",
          theme_color: "#1f4fd1",
          background_color: "#f6f7f9",
          display: "standalone",
          start_url: "/",
          icons: [{ src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
        },
        injectManifest: {
          // The shell's own hashed assets are precached; the remotes are separate builds (cached at run time).
          globPatterns: ["**/*.{js,css,svg,webmanifest}", "offline.html"],
          globIgnores: ["**/node_modules/**", "sw.js"],
          // Not precached: the Sentry SDK, which is only downloaded when a DSN is configured.
          manifestTransforms: [
            (entries) => ({ manifest: entries.filter((e) => precacheable(e.url)), warnings: [] }),
          ],
          // The worker would follow build.sourcemap ("hidden" for Sentry) and map itself publicly.
          sourcemap: false,
          rollupFormat: "iife",
        },
      }),
      // Last: Brotli copies of everything written above, the worker included (build/precompress.ts).
      precompress(),
    ],
    build: { target: "esnext", outDir: "dist", emptyOutDir: true },
    server: { port: DEV_PORTS.shell, strictPort: true, proxy: DEV_PROXY },
    preview: { port: DEV_PORTS.shell, proxy: DEV_PROXY },
  };
});
