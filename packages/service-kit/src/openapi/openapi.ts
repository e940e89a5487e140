import {
  buildOpenApi,
  honoPath,
  OPERATIONS,
  type OperationSpec,
  SERVICES,
  type Service,
} from "@payments/contracts/http";
import type { Env, Handler, Hono, Schema } from "hono";

/**
 * A service's OpenAPI document is its part of the platform's contract (`@payments/contracts/http`), not
 * something read back from its routes: the routes validate with the contract's schemas, and
 * {@link routeCoverage} proves every route is declared there and every declared route exists.
 */

/** Operator endpoints every kit app has; they are not part of a service's API. */
export const KIT_PATHS = ["/health/live", "/health/ready", "/metrics", "/openapi.json"];

function isService(name: string): name is Service {
  return (SERVICES as readonly string[]).includes(name);
}

/** Handler serving `service`'s OpenAPI 3.1 document (in-service paths); an unknown name has no operations. */
export function openApiRoute<E extends Env>(service: string, version = "1.0.0"): Handler<E> {
  const doc = buildOpenApi(isService(service) ? OPERATIONS : [], {
    ...(isService(service) ? { service } : {}),
    version,
  });
  return (c) => c.json(doc);
}

/** `METHOD /path` of an operation, in Hono's path syntax. */
function key(method: string, path: string): string {
  return `${method.toUpperCase()} ${honoPath({ path })}`;
}

/** Routes an app serves that its contract does not declare, and declared ones it does not serve. */
export function routeCoverage<E extends Env, S extends Schema, P extends string>(
  app: Hono<E, S, P>,
  service: Service,
  operations: readonly OperationSpec[] = OPERATIONS,
): { undeclared: string[]; missing: string[] } {
  const served = new Set(
    app.routes
      .filter((r) => r.method !== "ALL" && r.method !== "OPTIONS" && !KIT_PATHS.includes(r.path))
      .map((r) => key(r.method, r.path.length > 1 ? r.path.replace(/\/$/, "") : r.path)),
  );
  const declared = new Set(
    operations.filter((op) => op.service === service).map((op) => key(op.method, op.path)),
  );
  return {
    undeclared: [...served].filter((k) => !declared.has(k)).sort(),
    missing: [...declared].filter((k) => !served.has(k)).sort(),
  };
}
