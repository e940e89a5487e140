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

/**
 * Source maps are for Sentry only (frontends/build/sourcemaps.ts keeps them out of dist/); should one ever
 * be there, it is still not served: it would hand out the original source.
 */
const SOURCE_MAP = /\.map$/i;
/** The build's Brotli copies are served in their file's place, never by their own name. */
const BROTLI_COPY = /\.br$/i;

/** Whether an `Accept-Encoding` value accepts Brotli (`br`, not with `q=0`). */
export function acceptsBrotli(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    if (coding.trim() !== "br") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * A file of `dist/`, or its Brotli copy (`<file>.br`, written by frontends/build/precompress.ts) when the
 * browser accepts it: Caddy passes an encoded answer through as it is, so the browser gets Brotli 11 instead
 * of Caddy's on-the-fly zstd/gzip (about a fifth fewer bytes of JavaScript). `Vary` either way: a cache must
 * not hand one browser's encoding to another.
 */
async function fileResponse(path: string, acceptEncoding?: string): Promise<Response | undefined> {
  if (SOURCE_MAP.test(path) || BROTLI_COPY.test(path)) return undefined;
  const file = Bun.file(path);
  if (!(await file.exists())) return undefined;
  const headers: Record<string, string> = { "cache-control": cacheControl(path), vary: "accept-encoding" };
  const brotli = Bun.file(`${path}.br`);
  if (acceptsBrotli(acceptEncoding) && (await brotli.exists())) {
    headers["content-type"] = file.type;
    headers["content-encoding"] = "br";
    return new Response(brotli, { headers });
  }
  return new Response(file, { headers });
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
      const res = path ? await fileResponse(path, c.req.header("accept-encoding")) : undefined;
      if (!res) throw new ApiError(404, "not_found", "asset_not_found", "No such file.");
      return res;
    });
  }

  app.get("/*", async (c, next) => {
    if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/remotes/")) return next();
    const path = inside(shellDist, c.req.path);
    const encoding = c.req.header("accept-encoding");
    const asset = path && c.req.path !== "/" ? await fileResponse(path, encoding) : undefined;
    if (asset) return asset;
    // Client-side routes (/payments/pay_…) get the shell; a missing hashed asset is a real 404.
    if (c.req.path.startsWith("/assets/")) return next();
    return (await fileResponse(join(shellDist, "index.html"), encoding)) ?? next();
  });
  return app;
}

/** True when the shell has been built (the gateway then serves the frontends). */
export function frontendsBuilt(frontendsDir: string): boolean {
  return existsSync(join(frontendsDir, "shell", "dist", "index.html"));
}
