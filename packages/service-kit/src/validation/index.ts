export { hasBody, isJsonMediaType } from "./json-body.ts";
export { acceptAnyQuery, declaredQueryKeys } from "./query-policy.ts";
export { type SchemaIssue, type ValidationTarget, validate, validationError } from "./validation.ts";
