import { existsSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import { ApiError, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";

export interface StaticOptions {
  /** `frontends/` folder holding `<app>/dist` of the shell and every remote. */
  frontendsDir: string;
  /** Remote names served at `/remotes/<name>/`. */
  remotes: readonly string[];
}

/** Files whose name carries a content hash (Vite's `assets/…-[hash].js`) can be cached for a year. */
const HASHED = /[-.][A-Za-z0-9_-]{8,}\.(?:js|css|woff2?|png|svg|jpg|webp)$/;
/** Entry points that must always be revalidated, or users would keep an old app. */
const ALWAYS_REVALIDATE = new Set([
  "index.html",
  "remoteEntry.js",
  "sw.js",
  "manifest.webmanifest",
  "registerSW.js",
  // Which chunks a remote preloads for its landing route: changes with every build of that remote.
  "preload.json",
]);

function cacheControl(file: string): string {
  const name = file.split(sep).at(-1) ?? "";
  if (ALWAYS_REVALIDATE.has(name)) return "no-cache";
  if (file.includes(`${sep}assets${sep}`) && HASHED.test(name)) return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

/** Resolves a URL path inside `root`, or undefined when it would escape it (`..`, encoded or not). */
function inside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const full = normalize(join(root, decoded));
  return full === root || full.startsWith(root + sep) ? full : undefined;
}

async function fileResponse(path: string): Promise<Response | undefined> {
  const file = Bun.file(path);
  if (!(await file.exists())) return undefined;
  return new Response(file, { headers: { "cache-control": cacheControl(path) } });
}

/**
 * The built micro-frontends, served by the gateway in the embedded default (Caddy serves the same files in
 * the real mode): the shell at `/` with a single-page-app fallback, each remote at `/remotes/<name>/`.
 * Registered last, so `/api/*`, `/ws`, `/health/*` and `/metrics` never fall through to `index.html`.
 */
export function staticRoutes(opts: StaticOptions): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const shellDist = join(opts.frontendsDir, "shell", "dist");

  for (const remote of opts.remotes) {
    const dist = join(opts.frontendsDir, remote, "dist");
    app.get(`/remotes/${remote}/*`, async (c) => {
      const path = inside(dist, c.req.path.slice(`/remotes/${remote}`.length));
      const res = path ? await fileResponse(path) : undefined;
      if (!res) throw new ApiError(404, "not_found", "asset_not_found", "No such file.");
      return res;
    });
  }

  app.get("/*", async (c, next) => {
    if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/remotes/")) return next();
    const path = inside(shellDist, c.req.path);
    const asset = path && c.req.path !== "/" ? await fileResponse(path) : undefined;
    if (asset) return asset;
    // Client-side routes (/payments/pay_…) get the shell; a missing hashed asset is a real 404.
    if (c.req.path.startsWith("/assets/")) return next();
    return (await fileResponse(join(shellDist, "index.html"))) ?? next();
  });
  return app;
}

/** True when the shell has been built (the gateway then serves the frontends). */
export function frontendsBuilt(frontendsDir: string): boolean {
  return existsSync(join(frontendsDir, "shell", "dist", "index.html"));
}
