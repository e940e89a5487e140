import type { Env, Handler, Hono, Schema } from "hono";
import { openAPIRouteHandler } from "hono-openapi";
import { z } from "zod";
import { errorBodySchema } from "../errors/errors.ts";

export { describeRoute, resolver } from "hono-openapi";

/** Title and version written into the document's `info`. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** Operator endpoints every kit app has; they are not part of a service's API. */
export const KIT_PATHS = ["/health/live", "/health/ready", "/metrics", "/openapi.json"];

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of the uniform error body. */
export function errorJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(errorBodySchema, { target: "draft-2020-12" });
  return schema;
}

/**
 * Handler serving the OpenAPI 3.1 document of `app`, generated from the `validate(...)` schemas and
 * `describeRoute(...)` of its routes. Validation failures are documented with the uniform error body
 * (hono-openapi's default describes its own, which the kit never sends).
 */
export function openApiRoute<E extends Env, S extends Schema, P extends string>(
  app: Hono<E, S, P>,
  info: OpenApiInfo,
): Handler<E> {
  return openAPIRouteHandler(app, {
    documentation: {
      openapi: "3.1.0",
      info: { title: info.title, version: info.version, description: info.description ?? info.title },
    },
    exclude: KIT_PATHS,
    // Its default drops every path with a dot as a "static file", which would hide /.well-known/jwks.json.
    excludeStaticFile: false,
    defaultValidationErrorResponse: {
      description: "Invalid request: `error.param` names the first offending field.",
      content: { "application/json": { schema: errorJsonSchema() } },
    },
  });
}
