import { buildOpenApi, OPERATIONS, type OperationSpec } from "@payments/contracts/http";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * Checks a real response against the contract the way a generated client would read it: the OpenAPI
 * document's JSON Schema (with `additionalProperties: false` on every object), not zod's lenient parse, so
 * a field the contract does not declare is a failure too.
 */

const doc = buildOpenApi(OPERATIONS) as { components: { schemas: Record<string, object> } };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "contract", components: doc.components });

/** The JSON schema of `op`'s response with `status`, or undefined when it has no JSON body. */
function responseSchema(op: OperationSpec, status: number): object | undefined {
  const full = buildOpenApi([op]) as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
    >;
  };
  const item = Object.values(full.paths)[0]?.[op.method];
  return item?.responses[String(status)]?.content?.["application/json"]?.schema;
}

/** Problems of `body` as `op`'s `status` response (empty when it conforms). */
export function contractProblems(op: OperationSpec, status: number, body: unknown): string[] {
  const schema = responseSchema(op, status);
  if (!schema) return [`${op.id}: status ${status} is not documented with a JSON body`];
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"contract#/components/'));
  const validateBody = ajv.compile(rewritten);
  if (validateBody(body)) return [];
  return (validateBody.errors ?? []).map(
    (e) => `${op.id} ${status}: ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
  );
}

const bodyValidators = new WeakMap<OperationSpec, (body: unknown) => boolean>();

/**
 * Whether the OpenAPI document accepts `body` as `op`'s JSON request body (ajv on the documented schema):
 * set beside the service's own verdict, it proves a request schema exactly as strict as the validator.
 */
export function documentAccepts(op: OperationSpec, body: unknown): boolean {
  let check = bodyValidators.get(op);
  if (!check) {
    const full = buildOpenApi([op]) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>
      >;
    };
    const item = Object.values(full.paths)[0]?.[op.method];
    const schema = item?.requestBody?.content["application/json"]?.schema;
    if (!schema) throw new Error(`${op.id} documents no JSON request body`);
    const compiled = ajv.compile(schema);
    check = (value) => compiled(value);
    bodyValidators.set(op, check);
  }
  return check(body);
}
