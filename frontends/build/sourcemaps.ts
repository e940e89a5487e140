/**
 * Build plugin of every frontend: source maps for Sentry, never for the public. The bundle is built with
 * `build.sourcemap: "hidden"` (maps written, no `sourceMappingURL` comment in the JS, so no browser asks for
 * them), and once written the maps are moved out of `dist/` into a sibling `sourcemaps/` folder: whatever
 * serves `dist/` (the gateway, Caddy, the edge image, which copies `dist/` whole) cannot serve what is not
 * there. `scripts/sentry/upload-sourcemaps.ts` uploads them from there. Imports only Node's own modules (no
 * package resolves from here; see vite.shared.ts).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The subset of a Vite plugin this is (Vite's types do not resolve from this folder). */
export interface PrivateSourcemapsPlugin {
  name: string;
  apply: "build";
  config(): { build: { sourcemap: "hidden" } };
  configResolved(config: { root: string; build: { outDir: string } }): void;
  buildStart(): void;
  writeBundle(options: { dir?: string }, bundle: Record<string, unknown>): void;
  closeBundle: { order: "post"; handler(): void };
}

/** Where the maps of a build whose output is `outDir` go: `sourcemaps/` beside it. */
export function sourcemapsDir(outDir: string): string {
  return join(dirname(resolve(outDir)), "sourcemaps");
}

/** Moves every `.map` file of `files` (paths relative to `outDir`) into `target`, keeping relative paths. */
export function moveSourcemaps(outDir: string, files: readonly string[], target: string): string[] {
  const moved: string[] = [];
  for (const file of files) {
    if (!file.endsWith(".map")) continue;
    const to = join(target, file);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(join(outDir, file), to);
    moved.push(file);
  }
  return moved;
}

/** Files under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

const MAPPING_URL = /^\/\/[#@] sourceMappingURL=/m;

/**
 * What a built `dist/` must not contain: a `.map` file, or a script naming one. Throws naming them, so a
 * plugin that writes files of its own after the bundle (the service worker's) cannot leak a map unseen.
 */
export function assertNoPublicSourcemaps(outDir: string): void {
  const leaks = filesUnder(outDir).filter(
    (file) =>
      file.endsWith(".map") ||
      (/\.(m?js|css)$/.test(file) && MAPPING_URL.test(readFileSync(join(outDir, file), "utf8"))),
  );
  if (leaks.length > 0) {
    throw new Error(`source maps would be served from ${outDir}: ${leaks.join(", ")}`);
  }
}

/** The plugin: hidden source maps, moved out of the served folder as soon as they are written. */
export function privateSourcemaps(): PrivateSourcemapsPlugin {
  let outDir = "dist";
  return {
    name: "payments:private-sourcemaps",
    apply: "build",
    config: () => ({ build: { sourcemap: "hidden" } }),
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    buildStart() {
      // Maps of an earlier build would be uploaded under this build's release.
      rmSync(sourcemapsDir(outDir), { recursive: true, force: true });
    },
    writeBundle(options, bundle) {
      const dir = options.dir ? resolve(options.dir) : outDir;
      moveSourcemaps(dir, Object.keys(bundle), sourcemapsDir(dir));
    },
    // After every plugin wrote its files (the service worker's come last): the build fails on a leak.
    closeBundle: { order: "post", handler: () => assertNoPublicSourcemaps(outDir) },
  };
}
