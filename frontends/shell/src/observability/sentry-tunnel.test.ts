import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorReporter } from "./sentry.ts";

/** What arrived where: the path, the envelope's header, and its item types. */
const received: Array<{ path: string; header: Record<string, unknown>; types: string[] }> = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST") {
        const lines = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
        const types = lines
          .slice(1)
          .filter((_, i) => i % 2 === 0)
          .map((line) => String((JSON.parse(line) as { type?: string }).type));
        received.push({ path: request.url ?? "", header: JSON.parse(lines[0] ?? "{}"), types });
      }
      response.writeHead(200, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "*",
        "content-type": "application/json",
      });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("frontend errors through the same-origin tunnel", () => {
  it("posts envelopes to the tunnel path, naming the DSN for the gateway to check, never to the DSN's host", async () => {
    // The DSN's host is this same receiver on another path: an envelope sent there would show up too.
    const dsn = `http://public@127.0.0.1:${new URL(origin).port}/1`;
    const reporter = createErrorReporter({
      dsn,
      tunnel: `${origin}/api/monitoring`,
      environment: "test",
      release: "payments-platform@tunnel",
    });
    await reporter.ready;
    reporter.report(new Error("through the tunnel"));
    const deadline = Date.now() + 10_000;
    while (!received.some((r) => r.types.includes("event")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    const event = received.find((r) => r.types.includes("event"));
    expect(event?.path).toBe("/api/monitoring");
    expect(event?.header.dsn).toBe(dsn);
    expect(received.filter((r) => r.path.includes("/envelope/"))).toEqual([]);
  });
});
