import { readFileSync } from "node:fs";
import { join } from "node:path";
import { federation } from "@module-federation/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import {
  DEV_PORTS,
  DEV_PROXY,
  FEDERATION_COMMON,
  HOST_SHARED,
  type RemoteName,
  remoteBase,
} from "../vite.shared.ts";
import { preloadLandingRemote, preloadStartupChunks } from "./build/hints.ts";
import { LANDING_PREFIXES } from "./src/remotes/loader.ts";

const REMOTES: readonly RemoteName[] = ["auth", "payments", "admin"];

/**
 * Whether a built file goes into the service worker's precache. Left out: the full fallback builds of
 * shared libraries (`__prebuild__`, large; the tree-shaken shared bundles are what loads) and the Sentry
 * SDK chunk, only downloaded when a DSN is configured.
 */
function precacheable(url: string): boolean {
  if (!url.endsWith(".js")) return true;
  const code = readFileSync(join(import.meta.dirname, "dist", url), "utf8");
  if (url.includes("__prebuild__") && code.length > 2_000) return false;
  return !code.includes("__SENTRY__");
}

export default defineConfig(({ command }) => {
  const dev = command === "serve";
  const entries = Object.fromEntries(
    REMOTES.map((name) => [
      name,
      dev ? `http://localhost:${DEV_PORTS[name]}/remoteEntry.js` : `${remoteBase(name)}remoteEntry.js`,
    ]),
  );
  const remotes = Object.fromEntries(
    REMOTES.map((name) => [name, { type: "module", name, entry: entries[name] ?? "" }]),
  );
  return {
    base: "/",
    define: { __REMOTE_ENTRIES__: JSON.stringify(entries) },
    plugins: [
      react(),
      federation({
        name: "shell",
        remotes,
        ...FEDERATION_COMMON,
        // Eager own copies in a build (see HOST_SHARED); the dev server keeps the plain shares.
        ...(dev ? {} : { shared: HOST_SHARED }),
        // Publishes the runtime for the remotes' builds (externalRuntime), so it is downloaded once.
        experiments: { provideExternalRuntime: true },
        // No manifest-based remotes, snapshot preloading or devtools here: leaves that code out of the runtime.
        disableSnapshot: true,
      }),
      preloadStartupChunks(),
      preloadLandingRemote(
        LANDING_PREFIXES.map(([prefix, remote]) => ({ prefix, remote, entry: entries[remote] ?? "" })),
      ),
      VitePWA({
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
        workbox: {
          // The shell's own hashed assets are precached; the remotes are separate builds (cached at run time).
          globPatterns: ["**/*.{js,css,svg,webmanifest}", "offline.html"],
          globIgnores: ["**/node_modules/**"],
          // Not precached: the full fallback builds of shared libraries (the tree-shaken ones are used) and
          // the Sentry SDK, which is only downloaded when a DSN is configured.
          manifestTransforms: [
            (entries) => ({ manifest: entries.filter((e) => precacheable(e.url)), warnings: [] }),
          ],
          // Navigations go to the network (a deploy is seen at once); offline they get offline.html.
          navigateFallback: null,
          cleanupOutdatedCaches: true,
          runtimeCaching: [
            {
              urlPattern: ({ url }) => url.pathname.startsWith("/api/") || url.pathname === "/ws",
              handler: "NetworkOnly",
            },
            {
              urlPattern: ({ request }) => request.mode === "navigate",
              handler: "NetworkOnly",
              options: { precacheFallback: { fallbackURL: "offline.html" } },
            },
            {
              // Hashed remote assets never change under the same name.
              urlPattern: ({ url }) => /^\/remotes\/[a-z]+\/assets\//.test(url.pathname),
              handler: "CacheFirst",
              options: {
                cacheName: "remote-assets",
                expiration: { maxEntries: 200, maxAgeSeconds: 30 * 86400 },
              },
            },
          ],
        },
      }),
    ],
    build: { target: "esnext", outDir: "dist", emptyOutDir: true },
    server: { port: DEV_PORTS.shell, strictPort: true, proxy: DEV_PROXY },
    preview: { port: DEV_PORTS.shell, proxy: DEV_PROXY },
  };
});
