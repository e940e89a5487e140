import { afterAll, describe, expect, test } from "bun:test";
import { startSentryReceiver } from "@payments/testing";
import * as Sentry from "@sentry/bun";
import { createServiceApp } from "../app/app.ts";
import { badRequest } from "../errors/errors.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { createShutdown, serve } from "../shutdown/shutdown.ts";
import { acceptAnyQuery } from "../validation/query-policy.ts";
import { FILTERED, scrub } from "./scrub.ts";
import { flushSentry, initSentry, isSentryEnabled } from "./sentry.ts";

describe("scrub", () => {
  test("filters secret keys at any depth, case-insensitively, and leaves the rest", () => {
    const input = {
      request: {
        headers: {
          Authorization: "Bearer abc",
          Cookie: "sid=1",
          "Set-Cookie": "sid=2",
          "x-api-key": "k",
          accept: "*/*",
        },
        data: {
          password: "p",
          newPassword: "p2",
          refresh_token: "t",
          nested: [{ client_secret: "s", amount: 5 }],
        },
      },
      apiKey: "k2",
      private_key: "pk",
      card_number: "4242424242424242",
      cvc: "123",
      message: "payment failed",
    };
    const output = scrub(input);
    expect(output).toEqual({
      request: {
        headers: {
          Authorization: FILTERED,
          Cookie: FILTERED,
          "Set-Cookie": FILTERED,
          "x-api-key": FILTERED,
          accept: "*/*",
        },
        data: {
          password: FILTERED,
          newPassword: FILTERED,
          refresh_token: FILTERED,
          nested: [{ client_secret: FILTERED, amount: 5 }],
        },
      },
      apiKey: FILTERED,
      private_key: FILTERED,
      card_number: FILTERED,
      cvc: FILTERED,
      message: "payment failed",
    });
    expect(input.request.headers.Authorization).toBe("Bearer abc");
  });

  test("filters bearer values under any key, JSON held in strings, and [name, value] header pairs", () => {
    expect(scrub({ note: "Bearer eyJhbGciOi" })).toEqual({ note: FILTERED });
    expect(JSON.parse(scrub({ data: '{"password":"p","amount":1}' }).data)).toEqual({
      password: FILTERED,
      amount: 1,
    });
    expect(
      scrub([
        ["cookie", "sid=1"],
        ["accept", "x"],
      ]),
    ).toEqual([
      ["cookie", FILTERED],
      ["accept", "x"],
    ]);
  });

  test("survives cycles and leaves non-plain objects alone", () => {
    const cyclic: Record<string, unknown> = { token: "t" };
    cyclic.self = cyclic;
    const out = scrub(cyclic);
    expect(out.token).toBe(FILTERED);
    expect(out.self).toBe(out);
    const date = new Date(0);
    expect(scrub({ at: date }).at).toBe(date);
  });
});

describe("Sentry reporting (local envelope receiver, no network)", () => {
  const receiver = startSentryReceiver();
  const logger = createLogger({ service: "payments", destination: createLogCapture().destination });
  const shutdown = createShutdown(logger);
  afterAll(async () => {
    await shutdown.run();
    await Sentry.close(2000);
    await receiver.stop();
  });

  test("stays off without a DSN", () => {
    initSentry({ service: "payments", environment: "test" });
    expect(isSentryEnabled()).toBe(false);
  });

  test("without a DSN the SDK is not even loaded (it alone is ~20 MB of resident memory)", () => {
    // A fresh process: this test file imports the SDK itself.
    const kit = new URL("../index.ts", import.meta.url).pathname;
    const script = `const kit = await import(${JSON.stringify(kit)});
      kit.initSentry({ service: "payments", environment: "test" });
      console.log(Object.keys(require.cache).filter((path) => path.includes("/@sentry/")).length);`;
    const run = Bun.spawnSync([process.execPath, "-e", script]);
    expect(run.stderr.toString()).toBe("");
    expect(run.stdout.toString().trim()).toBe("0");
  });

  test("a 5xx is reported with its request, and no secret reaches the receiver", async () => {
    initSentry({
      dsn: receiver.dsn,
      service: "payments",
      environment: "test",
      release: "payments-platform@abc123",
    });
    expect(isSentryEnabled()).toBe(true);
    const { app } = createServiceApp({ service: "payments", logger });
    // Takes any query, so a secret in one reaches the error path and its scrubbing is what is tested.
    app.post("/payments", acceptAnyQuery(), async (c) => {
      await c.req.json();
      throw new Error("card processor exploded");
    });
    app.post("/invalid", () => {
      throw badRequest("bad_amount", "Amount must be positive.", "amount");
    });
    const server = serve({ app, port: 0, hostname: "127.0.0.1", shutdown, logger });
    const secrets = {
      authorization: "Bearer sk_live_AUTHSECRET1",
      cookie: "refresh_token=COOKIESECRET2; theme=dark",
      password: "PASSWORDSECRET3",
      token: "TOKENSECRET4",
      apiKey: "QUERYSECRET5",
    };
    const res = await fetch(`${server.url}payments?api_key=${secrets.apiKey}&page=2`, {
      method: "POST",
      headers: {
        authorization: secrets.authorization,
        cookie: secrets.cookie,
        "content-type": "application/json",
        "x-request-id": "req-sentry-1",
        // What the browser's API client sends: the frontend's Sentry event names this trace id too.
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
      body: JSON.stringify({
        amount: 1999,
        currency: "usd",
        password: secrets.password,
        card: { token: secrets.token },
      }),
    });
    expect(res.status).toBe(500);
    const invalid = await fetch(`${server.url}invalid`, { method: "POST" });
    expect(invalid.status).toBe(400);
    expect(await flushSentry(5000)).toBe(true);

    const received = receiver.envelopes.map((envelope) => envelope.raw).join("\n");
    for (const secret of [
      "AUTHSECRET1",
      "COOKIESECRET2",
      "PASSWORDSECRET3",
      "TOKENSECRET4",
      "QUERYSECRET5",
    ]) {
      expect(received).not.toContain(secret);
    }
    const events = receiver.events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.exception?.values?.[0]?.value).toBe("card processor exploded");
    // Release and environment on every event: the frontends name the same release (VITE_RELEASE).
    expect(event?.environment).toBe("test");
    expect(event?.release).toBe("payments-platform@abc123");
    expect(event?.tags).toMatchObject({
      service: "payments",
      request_id: "req-sentry-1",
      trace_id: "0af7651916cd43dd8448eb211c80319c",
    });
    expect(event?.request?.method).toBe("POST");
    expect(event?.request?.headers?.authorization).toBe(FILTERED);
    expect(event?.request?.headers?.cookie).toBe(FILTERED);
    // Trace propagation is the kit's (W3C traceparent); Sentry adds no headers of its own to outgoing fetches.
    expect(event?.request?.headers?.["sentry-trace"]).toBeUndefined();
    expect(event?.request?.data).toEqual({
      amount: 1999,
      currency: "usd",
      password: FILTERED,
      card: { token: FILTERED },
    });
    expect(event?.request?.query_string).toEqual({ api_key: FILTERED, page: "2" });
  });
});
