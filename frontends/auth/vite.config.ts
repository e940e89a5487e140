import { federation } from "@module-federation/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "../build/precompress.ts";
import { preloadExposedChunks } from "../build/remote-preload.ts";
import { privateSourcemaps } from "../build/sourcemaps.ts";
import { DEV_PORTS, DEV_PROXY, FEDERATION_COMMON, REMOTE_BUILD_SHARED, remoteBase } from "../vite.shared.ts";

const EXPOSES = { "./App": "./src/App.tsx" };
const PORT = DEV_PORTS.auth;

// The auth remote: exposes ./App (a component taking the platform) and also runs standalone in dev.
export default defineConfig(({ command }) => ({
  // Chunks are fetched from the remote's own location, whatever page loaded the entry.
  base: command === "serve" ? `http://localhost:${PORT}/` : remoteBase("auth"),
  plugins: [
    react(),
    // Source maps for Sentry, written beside dist/ and never into it (build/sourcemaps.ts).
    privateSourcemaps(),
    federation({
      name: "auth",
      filename: "remoteEntry.js",
      exposes: EXPOSES,
      ...FEDERATION_COMMON,
      // In a build, use the shell's federation runtime and workspace packages instead of shipping second
      // copies; in dev the remote also runs standalone, where no host provides them.
      ...(command === "build" ? { shared: REMOTE_BUILD_SHARED, experiments: { externalRuntime: true } } : {}),
    }),
    preloadExposedChunks(EXPOSES),
    // Brotli copies beside the files, for browsers that accept br (build/precompress.ts).
    precompress(),
  ],
  build: { target: "esnext", outDir: "dist", emptyOutDir: true },
  server: { port: PORT, strictPort: true, origin: `http://localhost:${PORT}`, cors: true, proxy: DEV_PROXY },
  preview: { port: PORT, strictPort: true, cors: true, proxy: DEV_PROXY },
}));
