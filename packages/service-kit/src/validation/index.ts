export { type SchemaIssue, type ValidationTarget, validate, validationError } from "./validation.ts";
