/**
 * Does an answer conform to the document? The status must be one the operation documents, the media type
 * the documented one for that status (or no body where none is documented), and a JSON body must validate
 * against the documented schema — with ajv's 2020-12 dialect over the document's own components, the way a
 * generated client reads it (as `contractProblems` in @payments/testing does for one operation).
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { HttpResult } from "../support/http.ts";

type JsonObject = Record<string, unknown>;

/** One documented answer of an operation. */
export interface DocumentedResponse {
  /** Media type → schema; empty when the answer has no body (204). */
  content: Record<string, JsonObject>;
}

/** The documented answers of `method path`, keyed by status (`default` included when present). */
export function documentedResponses(
  doc: JsonObject,
  method: string,
  path: string,
): Map<string, DocumentedResponse> {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, JsonObject>>;
  const op = paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the document`);
  const out = new Map<string, DocumentedResponse>();
  for (const [status, raw] of Object.entries((op.responses ?? {}) as Record<string, JsonObject>)) {
    const content: Record<string, JsonObject> = {};
    for (const [type, media] of Object.entries((raw.content ?? {}) as Record<string, JsonObject>))
      content[type.toLowerCase()] = (media.schema ?? {}) as JsonObject;
    out.set(status, { content });
  }
  return out;
}

/** Validates answers of every operation of one document; compiled schemas are cached per response. */
export class Conformance {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: JsonObject) {
    // `strict: false`: the document carries OpenAPI-only annotations ajv does not know.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: "openapi", components: doc.components });
  }

  /** Everything wrong with `res` as an answer to `method path` (empty when it conforms). */
  problems(method: string, path: string, res: HttpResult): string[] {
    const responses = documentedResponses(this.doc, method, path);
    const documented = responses.get(String(res.status)) ?? responses.get("default");
    if (!documented)
      return [`status ${res.status} is not documented (documented: ${[...responses.keys()].join(", ")})`];
    const header = String(res.headers["content-type"] ?? "");
    const mediaType = header.split(";")[0]?.trim().toLowerCase() ?? "";
    const types = Object.keys(documented.content);
    if (types.length === 0) {
      return res.text.length > 0
        ? [`${res.status} documents no body, got ${header}: ${res.text.slice(0, 120)}`]
        : [];
    }
    if (!types.includes(mediaType))
      return [`${res.status} answered content-type "${header}", documented ${types.join(" | ")}`];
    if (mediaType !== "application/json" && !mediaType.endsWith("+json")) return [];
    if (res.json === undefined) return [`${res.status} body is not JSON: ${res.text.slice(0, 120)}`];
    const validate = this.validator(
      method,
      path,
      String(res.status),
      mediaType,
      documented.content[mediaType] ?? {},
    );
    if (validate(res.json)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) => `${res.status} body ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
      );
  }

  /**
   * What is wrong with a generated JSON body as `method path`'s request: the generator's own check (a
   * problem here is a bug of the fuzzer, never the service's).
   */
  requestProblems(method: string, path: string, body: unknown): string[] {
    if (body === undefined) return [];
    const paths = (this.doc.paths ?? {}) as Record<string, Record<string, JsonObject>>;
    const requestBody = (paths[path]?.[method.toLowerCase()]?.requestBody ?? {}) as JsonObject;
    const media = ((requestBody.content ?? {}) as Record<string, JsonObject>)["application/json"];
    const validate = this.validator(
      method,
      path,
      "request",
      "application/json",
      (media?.schema ?? {}) as JsonObject,
    );
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
  }

  private validator(method: string, path: string, status: string, type: string, schema: JsonObject) {
    const key = `${method} ${path} ${status} ${type}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      // The schema's `#/components/...` references point into the document registered as `openapi`.
      const rebased = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
      );
      validate = this.ajv.compile(rebased);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
