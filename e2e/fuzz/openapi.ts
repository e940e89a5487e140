/**
 * The part of OpenAPI 3.1 the fuzzer and the security matrix read: operations, their parameters and JSON
 * request bodies, with local `$ref`s resolved. The merged document is the gateway's `/api/openapi.json`.
 */
import { asRecord } from "../support/api.ts";

/** A JSON Schema as the services' zod-generated documents use it. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  $ref?: string;
}

/** One parameter of an operation. */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: Schema;
}

/** One operation (method + path template). */
export interface Operation {
  method: string;
  /** Path template as documented, e.g. `/api/payments/{id}`. */
  path: string;
  id: string;
  parameters: Parameter[];
  body: Schema | undefined;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** Lists every operation of `doc`, sorted by path then method. */
export function listOperations(doc: unknown): Operation[] {
  const root = asRecord(doc);
  const resolve = (schema: unknown): Schema => resolveRefs(root, schema, 0);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asRecord(root.paths))) {
    for (const [method, raw] of Object.entries(asRecord(item))) {
      if (!METHODS.includes(method)) continue;
      const op = asRecord(raw);
      const parameters = Array.isArray(op.parameters)
        ? op.parameters.map((p) => {
            const param = asRecord(resolve(p));
            return {
              name: String(param.name),
              in: param.in as Parameter["in"],
              required: param.required === true || param.in === "path",
              schema: resolve(param.schema ?? {}),
            };
          })
        : [];
      const content = (asRecord(op.requestBody ?? {}).content ?? {}) as Record<string, { schema?: unknown }>;
      const json = content["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        id: typeof op.operationId === "string" ? op.operationId : `${method} ${path}`,
        parameters,
        body: json === undefined ? undefined : resolve(json),
      });
    }
  }
  return operations.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function resolveRefs(root: Record<string, unknown>, schema: unknown, depth: number): Schema {
  if (depth > 20 || typeof schema !== "object" || schema === null) return {};
  let node = schema as Record<string, unknown>;
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    let target: unknown = root;
    for (const part of node.$ref.slice(2).split("/")) target = asRecord(target)[part];
    node = { ...asRecord(target) };
  }
  const out: Record<string, unknown> = { ...node };
  for (const key of ["items", "propertyNames"])
    if (node[key]) out[key] = resolveRefs(root, node[key], depth + 1);
  if (typeof node.additionalProperties === "object") {
    out.additionalProperties = resolveRefs(root, node.additionalProperties, depth + 1);
  }
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(asRecord(node.properties)).map(([k, v]) => [k, resolveRefs(root, v, depth + 1)]),
    );
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    if (Array.isArray(node[key]))
      out[key] = (node[key] as unknown[]).map((s) => resolveRefs(root, s, depth + 1));
  }
  return out as Schema;
}

/** The schema's main type (`integer`, `string`, …), looking through nullable unions. */
export function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null");
  const branch = schema.anyOf ?? schema.oneOf;
  if (branch) return branch.map(typeOf).find((t) => t !== undefined && t !== "null");
  if (schema.enum) return typeof schema.enum[0];
  return undefined;
}

/** True when the schema admits `null`. */
export function nullable(schema: Schema): boolean {
  if (schema.type === "null") return true;
  if (Array.isArray(schema.type) && schema.type.includes("null")) return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some((s) => s.type === "null");
}

/** Fills `{name}` placeholders of a path template. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? "");
}
