import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { RouterRoute } from "hono/types";
import type { z } from "zod";
import { innermostHandler, isCatchAll } from "../app/routes.ts";
import { unknownQueryParameter } from "../errors/protocol.ts";

/*
 * One policy for query parameters (ADR 0015): a route refuses every query parameter it does not declare.
 * A route declares its parameters with `validate("query", schema)`; a route without a query schema
 * declares none. A route that reads its query string itself says so with `acceptAnyQuery()`.
 */

// Handlers that vouch for the query string of their route: query validators and `acceptAnyQuery()`.
const queryOwners = new WeakSet<object>();

/** Marks a handler as the one that checks its route's query string. */
export function ownsQuery<H extends object>(handler: H): H {
  queryOwners.add(handler);
  return handler;
}

/**
 * For a route that reads its query string itself (a WebSocket ticket, cache-busting on static files): lets
 * any query parameter through. Put it in the route's chain, or `app.use(path, acceptAnyQuery())`.
 */
export function acceptAnyQuery(): MiddlewareHandler {
  return ownsQuery<MiddlewareHandler>(async (_c, next) => {
    await next();
  });
}

/**
 * True when a route matched by this request owns its query string. The endpoint is the first route with a
 * method of its own; its handlers and the path-scoped middleware (method ALL) are asked. Without such an
 * endpoint (an unknown path, a wrong method, a proxy's `all()`, a single-page-app fallback) there is
 * nothing to hold the query against, and this check stays out of the way.
 */
function queryIsOwned(routes: readonly RouterRoute[]): boolean {
  const endpoint = routes.find((route) => route.method !== "ALL" && !isCatchAll(route.path));
  if (endpoint === undefined) return true;
  return routes.some(
    (route) =>
      (route.method === "ALL" || (route.method === endpoint.method && route.path === endpoint.path)) &&
      queryOwners.has(innermostHandler(route.handler)),
  );
}

/**
 * Kit middleware: a request with query parameters to a route without a query schema (and not marked with
 * `acceptAnyQuery()`) is refused with 400 `unknown_parameter`, as the schema of a route that has one would.
 */
export function rejectUndeclaredQuery(): MiddlewareHandler {
  return async (c, next) => {
    checkDeclaredQuery(c);
    return next();
  };
}

/**
 * The check of {@link rejectUndeclaredQuery} on its own, for the kit's observing middleware, which runs it
 * inline (ADR 0026): throws 400 `unknown_parameter`; a request without a query string costs one `includes`.
 */
export function checkDeclaredQuery(c: Context): void {
  if (!c.req.url.includes("?")) return;
  const [first] = Object.keys(c.req.queries());
  if (first === undefined || queryIsOwned(matchedRoutes(c))) return;
  throw unknownQueryParameter(first, []);
}

/**
 * The top-level keys a query schema accepts, or undefined when it accepts any key (`z.looseObject`, a
 * record, a catch-all) or its shape cannot be read. Walks what wraps an object: refinements (kept on the
 * object in zod 4), optional/default/…, pipes (`.transform`, `z.preprocess`), unions and intersections.
 */
export function declaredQueryKeys(schema: z.core.$ZodType): ReadonlySet<string> | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case "object": {
      const { shape, catchall } = def as z.core.$ZodObjectDef;
      if (catchall !== undefined && catchall._zod.def.type !== "never") return undefined;
      return new Set(Object.keys(shape));
    }
    case "pipe": {
      const pipe = def as z.core.$ZodPipeDef;
      return declaredQueryKeys(pipe.in) ?? declaredQueryKeys(pipe.out);
    }
    case "union":
      return unionOf((def as z.core.$ZodUnionDef).options.map(declaredQueryKeys));
    case "intersection": {
      const { left, right } = def as z.core.$ZodIntersectionDef;
      return unionOf([declaredQueryKeys(left), declaredQueryKeys(right)]);
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return declaredQueryKeys((def as z.core.$ZodOptionalDef).innerType);
    default:
      return undefined;
  }
}

function unionOf(sets: ReadonlyArray<ReadonlySet<string> | undefined>): ReadonlySet<string> | undefined {
  const all = new Set<string>();
  for (const set of sets) {
    if (set === undefined) return undefined;
    for (const key of set) all.add(key);
  }
  return all;
}

/** Throws 400 `unknown_parameter` for the first query parameter not in `declared`. */
export function assertDeclaredQuery(declared: ReadonlySet<string>, names: readonly string[]): void {
  const unknown = names.find((name) => !declared.has(name));
  if (unknown !== undefined) throw unknownQueryParameter(unknown, [...declared]);
}
