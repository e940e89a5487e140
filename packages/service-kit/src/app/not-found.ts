import type { NotFoundHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { errorResponse, notFoundHandler } from "../errors/errors.ts";
import { methodNotAllowed } from "../errors/protocol.ts";
import { type KitEnv, markUnmatched } from "../request/request.ts";
import { isCatchAll } from "./routes.ts";

/** What {@link createNotFoundHandler} reads: any Hono app. */
export interface RoutedApp {
  readonly routes: readonly RouterRoute[];
}

/** Standard methods first, in the order RFC 9110 lists them; anything else after, alphabetically. */
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function byMethodOrder(a: string, b: string): number {
  const [i, j] = [METHOD_ORDER.indexOf(a), METHOD_ORDER.indexOf(b)];
  if (i >= 0 && j >= 0) return i - j;
  if (i >= 0 || j >= 0) return i >= 0 ? -1 : 1;
  return a.localeCompare(b);
}

/**
 * Methods `app` serves on a path, for `Allow`. Only endpoints count: middleware and `all()` routes (method
 * ALL) match every method, and a root catch-all matches every path. HEAD is listed wherever GET is, since
 * Hono answers HEAD with the GET route.
 */
export function createAllowLookup(app: RoutedApp): (path: string) => string[] {
  let router = new TrieRouter<string>();
  // Routes may be added after the first request (tests do); rebuild when the table has grown.
  let indexed = -1;
  return (path) => {
    if (indexed !== app.routes.length) {
      router = new TrieRouter<string>();
      for (const route of app.routes) {
        if (route.method !== "ALL" && !isCatchAll(route.path)) router.add("ALL", route.path, route.method);
      }
      indexed = app.routes.length;
    }
    const methods = new Set(router.match("GET", path)[0].map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort(byMethodOrder);
  };
}

/**
 * The app's `notFound`: 405 with `Allow` when the path exists under other methods, otherwise the uniform 404.
 * Neither message echoes the path. A request whose method the path does serve ended here because its route
 * passed it on (`next()`), so that is a 404 too. Either way the request is filed under the unmatched
 * route label, so random paths cannot blow up metric cardinality.
 */
export function createNotFoundHandler(app: RoutedApp): NotFoundHandler<KitEnv> {
  const allowedOn = createAllowLookup(app);
  return (c) => {
    const allowed = allowedOn(c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) return notFoundHandler(c);
    markUnmatched(c);
    return errorResponse(c, methodNotAllowed(allowed));
  };
}
