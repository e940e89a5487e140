import type { RouterRoute } from "hono/types";
import { COMPOSED_HANDLER } from "hono/utils/constants";

/**
 * A root catch-all (`/*`, e.g. a single-page-app fallback) claims every path, so it says nothing about
 * which resources exist: it neither makes a path "known" for 405 nor counts as a route's own endpoint.
 */
export function isCatchAll(path: string): boolean {
  return path === "/*" || path === "*";
}

/**
 * The handler as registered. Mounting a sub-app that has its own `onError` wraps each of its handlers
 * (Hono keeps the original under `COMPOSED_HANDLER`), once per level; markers are set on the original.
 */
export function innermostHandler(handler: RouterRoute["handler"]): object {
  let current: object = handler;
  for (;;) {
    const inner: unknown = Reflect.get(current, COMPOSED_HANDLER);
    if (typeof inner !== "function") return current;
    current = inner;
  }
}
