/**
 * The root Caddyfile in front of one gateway that, once, breaks a connection instead of answering. Caddy's
 * passive health check counts such a failure against the upstream; with the only gateway marked down, every
 * request for the next `fail_duration` waited `lb_try_duration` (GET) or failed at once (POST) with 503,
 * which is how a CI run once lost a journey (GET webhook deliveries and POST analytics both 503). One stray
 * failure must cost only the request it happened to.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, isCI, type TestCaddy } from "@payments/testing";
import { startRootCaddy } from "./support.ts";

const caddy = Bun.which("caddy");
if (!caddy && !isCI)
  console.warn("services/gateway/test/caddy-failures.test.ts: caddy not installed; not run");

/**
 * A stand-in gateway on raw TCP, so it can do what Bun.serve never does on purpose: a request whose line
 * names `/break` has its connection closed without a response; any other request gets `200 ok`.
 */
function startBrittleUpstream(port = 0) {
  let broken = 0;
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(socket, data) {
        const text = data.toString();
        // Only the start of a request answers: a body arriving in a second packet is not a new request.
        if (!/^[A-Z]+ \//.test(text)) return;
        if (/^[A-Z]+ \/api\/break /.test(text)) {
          broken++;
          socket.end();
          return;
        }
        socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok");
      },
    },
  });
  return { port: server.port, broken: () => broken, stop: () => server.stop(true) };
}

describe.if(Boolean(caddy) || isCI)("one broken connection through Caddy (root Caddyfile)", () => {
  const dir = mkdtempSync(join(tmpdir(), "caddy-failures-"));
  let upstream = startBrittleUpstream();
  let caddyServer: TestCaddy | undefined;
  let ca = "";
  let base = "";

  const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, tls: { ca } });

  beforeAll(async () => {
    if (!caddy) throw new Error("caddy is required under CI (apt-get install caddy)");
    const ports = { https: await freePort(), http: await freePort() };
    base = `https://localhost:${ports.https}`;
    const edge = await startRootCaddy({
      dir,
      ports,
      upstreams: [`127.0.0.1:${upstream.port}`],
      readyPath: "/api/ready",
    });
    caddyServer = edge.caddy;
    ca = edge.ca;
  }, 30_000);

  afterAll(async () => {
    await caddyServer?.stop();
    upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the broken request with 502 and the next GET and POST at once with 200", async () => {
    const broken = await call("/api/break", { method: "POST", body: "{}" });
    expect(broken.status).toBe(502);
    expect(upstream.broken()).toBe(1);

    // Under the old mark the GET waited out lb_try_duration and the POST was refused at once: 503 both.
    const read = await call("/api/after");
    const write = await call("/api/analytics", { method: "POST", body: "{}" });
    expect([read.status, write.status]).toEqual([200, 200]);
    expect(await write.text()).toBe("ok");
  });

  it("holds a request while the only gateway restarts, and answers it once the gateway is back", async () => {
    const port = upstream.port;
    upstream.stop();
    // Refused connections while it is down: each one counts against the gateway, as a restart would.
    const during = call("/api/during-restart");
    await Bun.sleep(1_000);
    upstream = startBrittleUpstream(port);
    // 200 only if the gateway's mark ended within lb_try_duration (5 s); a 10 s mark answered 503.
    expect((await during).status).toBe(200);
  }, 10_000);
});
