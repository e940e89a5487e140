/**
 * Build plugin of every frontend: a Brotli copy (`<file>.br`, quality 11) beside each text file of `dist/`
 * over 1 KiB, written once all other plugins have written theirs (the service worker's too). The gateway
 * and the container edge send it to browsers that accept `br` (services/gateway/src/routes/static.ts,
 * Caddy's `precompressed br`): Caddy's own `encode` compresses on the fly with zstd/gzip at fast levels,
 * which made the sign-in page's JavaScript 167 KB on the wire where Brotli 11 makes it 137 KB (issue 21:
 * ≤ 150 KB). Imports only Node's own modules (no package resolves from here; see vite.shared.ts).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

/** The subset of a Vite plugin this is (Vite's types do not resolve from this folder). */
export interface PrecompressPlugin {
  name: string;
  apply: "build";
  configResolved(config: { root: string; build: { outDir: string } }): void;
  closeBundle: { order: "post"; handler(): void };
}

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:m?js|css|html|svg|json|webmanifest|txt)$/;
/** Below a packet's worth, compression saves nothing a browser would notice. */
const MIN_BYTES = 1024;

/** Writes `<file>.br` for every compressible file under `dir` (recursively); returns their paths. */
export function precompressDir(dir: string): string[] {
  const written: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const body = readFileSync(path);
    if (body.length < MIN_BYTES) continue;
    const compressed = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    // Only where it pays: a copy no smaller than the file would just be served for nothing.
    if (compressed.length >= body.length) continue;
    writeFileSync(`${path}.br`, compressed);
    written.push(`${path}.br`);
  }
  return written;
}

/** The plugin: Brotli copies of `dist/` after everything else was written. */
export function precompress(): PrecompressPlugin {
  let outDir = "dist";
  return {
    name: "payments-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: "post",
      handler() {
        precompressDir(outDir);
      },
    },
  };
}
