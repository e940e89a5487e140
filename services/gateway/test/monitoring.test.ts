import { afterAll, describe, expect, it } from "bun:test";
import { createLogger } from "@payments/service-kit";
import { startSentryReceiver } from "@payments/testing";
import { createApp } from "../src/app.ts";
import { sentryTarget } from "../src/routes/monitoring.ts";

const logger = createLogger({ service: "gateway-test", level: "silent" });
const receiver = startSentryReceiver();
afterAll(() => receiver.stop());

/** An envelope as the browser SDK sends it to its `tunnel`: header with the DSN, then an event item. */
function envelope(dsn: string, message: string): string {
  const event = {
    event_id: "a".repeat(32),
    message,
    release: "payments-platform@test",
    user: { id: "usr_1" },
  };
  return [
    JSON.stringify({ event_id: event.event_id, dsn, sent_at: new Date().toISOString() }),
    JSON.stringify({ type: "event" }),
    JSON.stringify(event),
  ].join("\n");
}

function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  body: string,
) {
  return app.request("/api/monitoring", {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body,
  });
}

describe("the browser's Sentry tunnel", () => {
  it("forwards an envelope for the configured project to Sentry, unchanged", async () => {
    const { app } = createApp({ logger, upstreams: new Map(), monitoring: { dsn: receiver.dsn } });
    const res = await post(app, envelope(receiver.dsn, "from the browser"));
    expect(res.status).toBe(200);
    const [event] = await receiver.waitForEvents(1);
    expect(event?.message).toBe("from the browser");
    expect(event?.release).toBe("payments-platform@test");
    expect(receiver.envelopes.at(-1)?.header.dsn).toBe(receiver.dsn);
  });

  it("is no open relay: another project's DSN, a body that is no envelope, or no DSN at all is refused", async () => {
    const { app } = createApp({ logger, upstreams: new Map(), monitoring: { dsn: receiver.dsn } });
    const before = receiver.envelopes.length;
    const other = receiver.dsn.replace(/\/1$/, "/2");
    const otherKey = receiver.dsn.replace("public@", "other@");
    for (const [body, code] of [
      [envelope(other, "x"), "unknown_dsn"],
      [envelope(otherKey, "x"), "unknown_dsn"],
      [envelope("https://public@sentry.example/1", "x"), "unknown_dsn"],
      ["not json\n{}", "invalid_envelope"],
      [`${JSON.stringify({ event_id: "b" })}\n{}`, "invalid_envelope"],
    ] as const) {
      const res = await post(app, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(receiver.envelopes.length).toBe(before);
  });

  it("answers 404 when no DSN is configured, 502 when Sentry cannot be reached, and passes on its 429", async () => {
    const off = createApp({ logger, upstreams: new Map() }).app;
    expect((await post(off, envelope(receiver.dsn, "x"))).status).toBe(404);

    const unreachable = "http://public@127.0.0.1:1/1";
    const down = createApp({ logger, upstreams: new Map(), monitoring: { dsn: unreachable } }).app;
    expect((await post(down, envelope(unreachable, "x"))).status).toBe(502);

    const limited = createApp({
      logger,
      upstreams: new Map(),
      monitoring: {
        dsn: receiver.dsn,
        fetch: (async () =>
          new Response("", {
            status: 429,
            headers: { "retry-after": "30", "x-sentry-rate-limits": "30:error:organization" },
          })) as unknown as typeof fetch,
      },
    }).app;
    const res = await post(limited, envelope(receiver.dsn, "x"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(res.headers.get("x-sentry-rate-limits")).toBe("30:error:organization");
  });

  it("reads DSNs with a path prefix and refuses what is not one", () => {
    expect(sentryTarget("https://abc@sentry.example/relay/42")).toEqual({
      envelopeUrl: "https://sentry.example/relay/api/42/envelope/",
      host: "sentry.example",
      publicKey: "abc",
      projectId: "42",
    });
    expect(sentryTarget("https://sentry.example/42")).toBeUndefined();
    expect(sentryTarget("https://abc@sentry.example/project")).toBeUndefined();
    expect(sentryTarget("not a url")).toBeUndefined();
  });
});
