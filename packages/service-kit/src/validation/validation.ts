import type { Context, Env, MiddlewareHandler, Next } from "hono";
import { validator } from "hono-openapi";
import type { z } from "zod";
import { ApiError } from "../errors/errors.ts";
import { checkJsonBody } from "./json-body.ts";
import { assertDeclaredQuery, declaredQueryKeys, ownsQuery } from "./query-policy.ts";

/** One validation issue as Standard Schema reports it (zod's issues are a superset). */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** Request parts a route validates. */
export type ValidationTarget = "json" | "query" | "param" | "header" | "cookie";

const TARGET_NAMES: Record<ValidationTarget, string> = {
  json: "body",
  query: "query parameter",
  param: "path parameter",
  header: "header",
  cookie: "cookie",
};

/**
 * Zod validator for one part of the request. The handler reads the parsed value with
 * `c.req.valid(target)`, typed from the schema, and the schema also lands in the service's OpenAPI document.
 * On failure the request is answered with 400 `invalid_request`, `param` naming the first offending field.
 * `header` schemas must use lower-case keys (Hono lower-cases header names).
 * `json`: a body sent in another media type is 415; no body at all is judged as `{}` by the schema.
 * `query`: the schema declares every parameter the route takes; any other is 400 `unknown_parameter`
 * (ADR 0015), unless the schema itself takes any key (`z.looseObject`). One query schema per route.
 */
export function validate<
  T extends ValidationTarget,
  S extends z.ZodType,
  E extends Env = Env,
  P extends string = string,
>(target: T, schema: S, invalidParam: () => ApiError = resourceMissing) {
  const declared = target === "query" ? declaredQueryKeys(schema) : undefined;
  const validation = validator<S, T, E, P>(target, schema, (result, c) => {
    // Before the schema's verdict: a misspelt name explains a missing or defaulted value better.
    if (declared !== undefined) assertDeclaredQuery(declared, Object.keys(c.req.queries()));
    // A path parameter that cannot be an id names nothing that exists: 404, as for an id not found.
    if (!result.success) throw target === "param" ? invalidParam() : validationError(target, result.error);
    // Path parameters are left to the route: an id that cannot exist is a 404 there, not a 400.
    const nul = target === "param" ? undefined : pathOfNul(result.data, []);
    if (nul !== undefined) {
      throw validationError(target, [{ message: "must not contain NUL characters", path: nul }]);
    }
  });
  if (target === "query") return ownsQuery(validation);
  return target === "json" ? afterJsonCheck(validation) : validation;
}

/** `inner` behind {@link checkJsonBody}, which must run before it reads (or skips) the body. */
function afterJsonCheck<M extends MiddlewareHandler>(inner: M): M {
  const checked = async (c: Context, next: Next) => {
    checkJsonBody(c);
    return inner(c, next);
  };
  // The schema metadata (OpenAPI) rides on the validator under symbol keys: the wrapper carries it on.
  for (const key of Object.getOwnPropertySymbols(inner)) {
    const descriptor = Object.getOwnPropertyDescriptor(inner, key);
    if (descriptor) Object.defineProperty(checked, key, descriptor);
  }
  // Same call signature and the same own symbols: it stands in for `inner` wherever that was accepted.
  return checked as M;
}

/** The default answer to a path parameter its schema refuses. */
function resourceMissing(): ApiError {
  return new ApiError(404, "not_found", "resource_missing", "No such resource.");
}

/**
 * Path of the first string containing U+0000, or undefined. Postgres text cannot hold it, so without this
 * check such input would pass validation and fail in the database as a 500 instead of a 400.
 */
function pathOfNul(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = pathOfNul(item, [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = pathOfNul(key, [...path, key]) ?? pathOfNul(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Turns schema issues into the 400 the client sees: the first issue, with its field path as `param`. */
export function validationError(target: ValidationTarget, issues: readonly SchemaIssue[]): ApiError {
  const issue = issues[0];
  if (!issue)
    return new ApiError(400, "invalid_request", "invalid_request", `Invalid ${TARGET_NAMES[target]}.`);
  const path = (issue.path ?? []).map((segment) =>
    String(typeof segment === "object" ? segment.key : segment),
  );
  // zod reports unknown fields on the parent object; the client needs the unknown field's own name.
  const unknownKeys = unrecognizedKeys(issue);
  if (unknownKeys[0] !== undefined) path.push(unknownKeys[0]);
  const param = path.length > 0 ? path.join(".") : undefined;
  const where = param === undefined ? TARGET_NAMES[target] : `${TARGET_NAMES[target]} field "${param}"`;
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? "s" : ""})` : "";
  return new ApiError(
    400,
    "invalid_request",
    "invalid_request",
    `Invalid ${where}: ${issue.message}${more}`,
    param,
  );
}

function unrecognizedKeys(issue: SchemaIssue): string[] {
  if (!("keys" in issue) || !Array.isArray(issue.keys)) return [];
  return issue.keys.filter((key): key is string => typeof key === "string");
}
