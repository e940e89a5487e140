import {
  type ApiKeyScope,
  honoPath,
  OPERATIONS,
  type OperationSpec,
  type Service,
} from "@payments/contracts/http";
import { ApiError } from "@payments/service-kit";
import type { AuthContext } from "../verifier/verifier.ts";

/** One operation of a service with its path as a regular expression. */
interface Route {
  method: string;
  pattern: RegExp;
  /** Parameters in the path: a literal path wins over a parameterised one (`/reports/summary` over `/{id}`). */
  params: number;
  scopes: readonly ApiKeyScope[] | undefined;
}

const routesByService = new Map<Service, Route[]>();

function compile(op: OperationSpec): Route {
  const path = honoPath(op);
  const source = path
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return {
    method: op.method.toUpperCase(),
    pattern: new RegExp(`^${source}/?$`),
    params: (path.match(/:/g) ?? []).length,
    scopes: op.scopes,
  };
}

function routesOf(service: Service): Route[] {
  let routes = routesByService.get(service);
  if (!routes) {
    routes = OPERATIONS.filter((op) => op.service === service)
      .map(compile)
      .sort((a, b) => a.params - b.params);
    routesByService.set(service, routes);
  }
  return routes;
}

/** The scopes the contract asks of `method path` in `service`, or undefined when it names none (or no route). */
export function requiredScopes(
  service: Service,
  method: string,
  path: string,
): readonly ApiKeyScope[] | undefined {
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return routesOf(service).find((r) => r.method === m && r.pattern.test(path))?.scopes;
}

/** 403 for an API key without the scopes a route needs (RFC 6750 `insufficient_scope`). */
export function insufficientScope(needed: readonly ApiKeyScope[] | undefined): ApiError {
  const message = needed
    ? `This API key lacks the scope ${needed.join(" and ")}.`
    : "API keys cannot use this route; sign in instead.";
  return new ApiError(403, "permission", "insufficient_scope", message, undefined, {
    "WWW-Authenticate": `Bearer error="insufficient_scope"${needed ? `, scope="${needed.join(" ")}"` : ""}`,
  });
}

/**
 * Refuses an API key's request unless the contract's operation for it names scopes the key holds all of
 * (docs/adr/0033). People's tokens pass untouched: scopes only narrow what a key may do.
 */
export function checkScopes(
  auth: AuthContext,
  service: Service | undefined,
  method: string,
  path: string,
): void {
  if (!auth.apiKey) return;
  const needed = service ? requiredScopes(service, method, path) : undefined;
  const held = auth.apiKey.scopes;
  if (!needed?.every((s) => held.includes(s))) throw insufficientScope(needed);
}
