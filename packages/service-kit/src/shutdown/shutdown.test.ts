import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { createShutdown, serve } from "./shutdown.ts";

function setup(timeoutMs?: number) {
  const capture = createLogCapture();
  const logger = createLogger({ service: "s", destination: capture.destination });
  return { shutdown: createShutdown(logger, { timeoutMs }), capture };
}

describe("createShutdown", () => {
  test("runs closers in reverse order of add, addFirst ones before all", async () => {
    const { shutdown } = setup();
    const order: string[] = [];
    shutdown.add("db", async () => {
      await Bun.sleep(5);
      order.push("db");
    });
    shutdown.add("cache", () => void order.push("cache"));
    shutdown.addFirst("http", () => void order.push("http"));
    shutdown.add("bus", () => void order.push("bus"));
    await shutdown.run("test");
    expect(order).toEqual(["http", "bus", "cache", "db"]);
  });

  test("is idempotent: a second run returns the same promise and closes nothing twice", async () => {
    const { shutdown } = setup();
    let closes = 0;
    shutdown.add("db", async () => {
      await Bun.sleep(5);
      closes++;
    });
    const first = shutdown.run();
    const second = shutdown.run();
    expect(second).toBe(first);
    await Promise.all([first, second, shutdown.run()]);
    expect(closes).toBe(1);
  });

  test("a failing or hanging closer is logged and the others still run", async () => {
    const { shutdown, capture } = setup(30);
    const order: string[] = [];
    shutdown.add("last", () => void order.push("last"));
    shutdown.add("hangs", () => new Promise(() => {}));
    shutdown.add("fails", () => {
      throw new Error("close failed");
    });
    await shutdown.run();
    expect(order).toEqual(["last"]);
    expect(capture.lines.find((line) => line.msg === "closer failed")).toMatchObject({
      closer: "fails",
      level: "error",
    });
    expect(capture.lines.find((line) => line.msg === "closer timed out")).toMatchObject({ closer: "hangs" });
    expect(capture.lines.at(-1)?.msg).toBe("shutdown complete");
  });
});

/** Reads a child's output until `pattern` shows up. */
function outputReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    get text() {
      return text;
    },
    async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const match = text.match(pattern);
        if (match) return match;
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    async rest(): Promise<string> {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    },
  };
}

describe("serve + SIGTERM", () => {
  test("stops accepting, drains the in-flight request, closes the rest and exits 0", async () => {
    const script = join(import.meta.dir, "fixtures", "slow-server.ts");
    const child = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "pipe" });
    try {
      const stdout = outputReader(child.stdout);
      const stderr = outputReader(child.stderr);
      const [, port] = await stdout.waitFor(/listening (\d+)\n/);
      const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
      await stdout.waitFor(/slow-started\n/);

      child.kill("SIGTERM");
      await stderr.waitFor(/"msg":"shutting down"/);
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ done: true });
      expect(await child.exited).toBe(0);
      const out = await stdout.rest();
      // The pool closes only after the in-flight request has finished with it.
      expect(out.indexOf("slow-finished")).toBeGreaterThan(0);
      expect(out.indexOf("pool-closed")).toBeGreaterThan(out.indexOf("slow-finished"));
      const logs = await stderr.rest();
      expect(logs).toContain('"reason":"SIGTERM"');
      expect(logs).toContain('"closer":"http server"');
      expect(logs.indexOf('"closer":"http server"')).toBeLessThan(logs.indexOf('"closer":"pool"'));
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("serve: keep-alive", () => {
  // Bun.serve's default would close this connection after 10 s idle; a caller's pool (Bun's fetch keeps
  // connections 5 minutes) could then send a POST into the closing socket and get a reset instead of an answer.
  test("a connection idle for longer than Bun's 10 s default still carries the next request", async () => {
    const { shutdown } = setup();
    const logger = createLogger({ service: "s", level: "silent" });
    const app = { fetch: (req: Request) => new Response(`${req.method} ok`) };
    const server = serve({ app, port: 0, hostname: "127.0.0.1", shutdown, logger });
    let received = "";
    let closed = false;
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: server.port ?? 0,
      socket: {
        data(_s, chunk) {
          received += chunk.toString();
        },
        close() {
          closed = true;
        },
      },
    });
    const request = (method: string) =>
      socket.write(`${method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n`);
    try {
      request("GET");
      while (!received.includes("GET ok")) await Bun.sleep(10);
      // Bun closes idle connections on a coarse timer: its 10 s default closes this one after 12–14 s.
      await Bun.sleep(15_000);
      expect(closed).toBe(false);
      request("POST");
      const deadline = Date.now() + 2_000;
      while (!received.includes("POST ok") && Date.now() < deadline) await Bun.sleep(10);
      expect(received).toContain("POST ok");
    } finally {
      socket.end();
      await shutdown.run("test done");
    }
  }, 25_000);
});
