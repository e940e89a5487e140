import { expect } from "bun:test";
import { implicitErrors, type OperationSpec } from "@payments/contracts/http";
import { contractProblems } from "@payments/testing";

/** API keys and webhooks: their contract test is contract-integrations.test.ts. */
export function isIntegrationOperation(id: string): boolean {
  return id.startsWith("apiKeys.") || id.startsWith("webhook");
}

/**
 * A check of a response against its operation's contract that records the operation in `exercised`: the
 * status is one the operation documents, a JSON body matches its schema exactly (ajv, no extra fields), a
 * documented body-less answer has no body, and the documented response headers are sent.
 */
export function conformsTo(exercised: Set<string>) {
  return async (op: OperationSpec, res: Response, status: number): Promise<unknown> => {
    exercised.add(op.id);
    const text = await res.text();
    expect({ op: op.id, status: res.status }).toEqual({ op: op.id, status });
    const spec = op.responses[status];
    if (spec) {
      for (const header of Object.keys(spec.headers ?? {}))
        expect({ op: op.id, header, sent: res.headers.has(header) }).toEqual({
          op: op.id,
          header,
          sent: true,
        });
      if (!spec.schema) {
        expect({ op: op.id, body: text }).toEqual({ op: op.id, body: "" });
        return undefined;
      }
    } else {
      expect(implicitErrors(op)).toContain(status);
    }
    const body: unknown = JSON.parse(text);
    expect({ op: op.id, status, problems: contractProblems(op, status, body) }).toEqual({
      op: op.id,
      status,
      problems: [],
    });
    return body;
  };
}
