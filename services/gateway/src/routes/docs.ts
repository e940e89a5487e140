import { describeRoute, type KitEnv } from "@payments/service-kit";
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object (an OpenAPI document). */
export type JsonObject = { [key: string]: Json };

/** A parsed JSON value as an object, or an empty one: a document that is not an object contributes nothing. */
export function asJsonObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Renames `#/components/<kind>/X` references to the service-prefixed names, recursively. */
function rewriteRefs(value: Json, prefix: string): Json {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, prefix));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      key === "$ref" && typeof v === "string" && v.startsWith("#/components/")
        ? v.replace(/^#\/components\/([^/]+)\/(.+)$/, `#/components/$1/${prefix}_$2`)
        : rewriteRefs(v, prefix);
  }
  return out;
}

/**
 * Merges the services' OpenAPI documents into one: paths get their public `/api/<service>` prefix,
 * components get a `<service>_` prefix (two services may both have an `Error` schema), tags are unioned.
 */
export function mergeOpenApi(own: JsonObject, services: ReadonlyMap<string, JsonObject>): JsonObject {
  const paths: JsonObject = { ...(isObject(own.paths) ? own.paths : {}) };
  const components: Record<string, JsonObject> = {};
  for (const [name, doc] of services) {
    const rewritten = rewriteRefs(doc, name);
    if (!isObject(rewritten)) continue;
    if (isObject(rewritten.paths)) {
      for (const [path, item] of Object.entries(rewritten.paths))
        paths[`/api/${name}${path === "/" ? "" : path}`] = item;
    }
    if (isObject(rewritten.components)) {
      for (const [kind, entries] of Object.entries(rewritten.components)) {
        if (!isObject(entries)) continue;
        components[kind] ??= {};
        for (const [key, schema] of Object.entries(entries))
          (components[kind] as JsonObject)[`${name}_${key}`] = schema;
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: { title: "Payments platform API", version: "1.0.0" },
    paths,
    components,
  };
}

export interface DocsRouteOptions {
  upstreams: ReadonlyMap<string, string>;
  /** The gateway's own document (realtime, analytics). */
  ownDocument: () => Promise<JsonObject>;
  fetch: typeof fetch;
  /** How long a merged document is reused before the services are asked again. */
  cacheMs?: number;
}

/** `GET /api/openapi.json` (merged, cached briefly; a service that is down is left out) and `GET /api/docs`. */
export function docsRoutes(opts: DocsRouteOptions): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  let cached: { at: number; doc: JsonObject } | undefined;

  async function build(): Promise<JsonObject> {
    const entries = await Promise.all(
      [...opts.upstreams].map(async ([name, base]): Promise<[string, JsonObject] | undefined> => {
        try {
          const res = await opts.fetch(new URL("/openapi.json", base), {
            signal: AbortSignal.timeout(3_000),
          });
          const doc = (await res.json()) as Json;
          return res.ok && isObject(doc) ? [name, doc] : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const services = new Map(entries.filter((e): e is [string, JsonObject] => e !== undefined));
    return mergeOpenApi(await opts.ownDocument(), services);
  }

  app.get("/api/openapi.json", describeRoute({ hide: true }), async (c) => {
    if (!cached || Date.now() - cached.at > (opts.cacheMs ?? 30_000))
      cached = { at: Date.now(), doc: await build() };
    return c.json(cached.doc);
  });
  app.get("/api/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Payments platform API" }));
  return app;
}
