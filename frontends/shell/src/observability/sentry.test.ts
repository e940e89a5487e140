import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, createHttpClient, traceOf } from "@payments/api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorReporter, scrubEvent } from "./sentry.ts";

/** One item of a Sentry envelope: its header and its JSON payload. */
interface EnvelopeItem {
  header: { type?: string };
  payload: Record<string, unknown>;
}

/** Sentry's envelope format: a header line, then per item a header line and a payload line. */
function parseEnvelope(text: string): EnvelopeItem[] {
  const lines = text.split("\n").filter((line) => line.length > 0);
  const items: EnvelopeItem[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    items.push({ header: JSON.parse(lines[i] ?? "{}"), payload: JSON.parse(lines[i + 1] ?? "{}") });
  }
  return items;
}

/** A local stand-in for Sentry's ingest endpoint: it keeps every event envelope it receives. */
const events: Array<Record<string, unknown>> = [];
let receiver: Server;
let dsn: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST") {
        for (const item of parseEnvelope(Buffer.concat(chunks).toString("utf8"))) {
          if (item.header.type === "event") events.push(item.payload);
        }
      }
      // The browser SDK posts cross-origin, as to a real Sentry.
      response.writeHead(200, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "*",
        "content-type": "application/json",
      });
      response.end('{"id":"0"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  dsn = `http://public@127.0.0.1:${(receiver.address() as AddressInfo).port}/1`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

async function eventsArrived(count: number): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + 10_000;
  while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return events;
}

/** A failed API call, as the platform's client raises it: with its request id and its call's trace id. */
async function failedCall(): Promise<unknown> {
  const http = createHttpClient({
    baseUrl: "",
    auth: { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} },
    fetch: async () =>
      new Response(
        JSON.stringify({
          error: { type: "internal", code: "internal", message: "Boom.", request_id: "req_77" },
        }),
        { status: 500, headers: { "content-type": "application/json" } },
      ),
  });
  return http.send("/api/payments", { authenticated: false }).catch((error: unknown) => error);
}

describe("frontend errors reach Sentry (a local envelope receiver)", () => {
  it("with release, environment, the user's id only, and the trace id of the API call behind them", async () => {
    const reporter = createErrorReporter({
      dsn,
      environment: "staging",
      release: "payments-platform@abc123",
    });
    await reporter.ready;
    reporter.setUser("usr_01j9z3k7m8n9p0q1r2s3t4v5w6");
    const error = await failedCall();
    expect(error).toBeInstanceOf(ApiError);
    reporter.report(error);
    const [event] = await eventsArrived(1);
    expect(event?.release).toBe("payments-platform@abc123");
    expect(event?.environment).toBe("staging");
    expect(event?.user).toEqual({ id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6" });
    expect(event?.tags).toMatchObject({ trace_id: traceOf(error), request_id: "req_77" });
    expect(traceOf(error)).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(event)).not.toContain("@example");

    reporter.setUser(undefined);
    reporter.report(new Error("after sign-out"));
    const [, second] = await eventsArrived(2);
    expect(second?.user).toBeUndefined();
    expect(second?.release).toBe("payments-platform@abc123");
    expect((second?.tags as Record<string, string> | undefined)?.trace_id).toBeUndefined();
  });

  it("never lets an e-mail or a token out, whatever put them on the event", () => {
    const scrubbed = scrubEvent({
      type: undefined,
      user: { id: "usr_1", email: "ada@example.com", username: "ada", ip_address: "10.0.0.1" },
      request: { url: "https://pay.example/ws?ticket=secret", headers: { Authorization: "Bearer x" } },
    });
    expect(scrubbed.user).toEqual({ id: "usr_1" });
    expect(scrubbed.request?.url).toBe("https://pay.example/ws?ticket=[redacted]");
    expect(scrubbed.request?.headers).toEqual({});
  });

  it("without a DSN reports nothing and loads nothing", async () => {
    const reporter = createErrorReporter({ dsn: undefined, environment: "test", release: "r" });
    const before = events.length;
    reporter.report(new Error("dropped"));
    await reporter.ready;
    await new Promise((r) => setTimeout(r, 50));
    expect(events.length).toBe(before);
  });
});
