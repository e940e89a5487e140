/**
 * A redis-server of the test's own on a free port, for fault tests and the chaos suite that kill and
 * restart Redis: the machine's shared Redis must never be stopped. No persistence, so a restart loses the
 * data, as a real cache restart would.
 */
import { mkdtempSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

/** A private Redis the test can take down and bring back on the same port. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** SIGKILL, no goodbye: clients see the connection drop, as when a Redis host dies. No-op when down. */
  down(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. No-op when up. */
  up(): Promise<void>;
  /** Kills it if running and removes the files it made. Safe to call more than once. */
  destroy(): Promise<void>;
}

/** Options of {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /**
   * Working directory of the server (its log goes there). Default: a fresh temp dir that `destroy()`
   * removes; a directory passed in is left for its owner to remove.
   */
  dir?: string;
  /** How long `up()` waits for the server to answer (default 10 s): a bound, not a timing assertion. */
  readyTimeoutMs?: number;
}

/** Path of the redis-server binary on PATH, or undefined when it is not installed. */
export function redisServerBinary(): string | undefined {
  return Bun.which("redis-server") ?? undefined;
}

/** True once a server on `port` answers PING with PONG (not a LOADING error, not a refused connection). */
async function answersPing(port: number): Promise<boolean> {
  const reply = Promise.withResolvers<boolean>();
  try {
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (s, data) => {
          reply.resolve(data.toString().startsWith("+PONG"));
          s.end();
        },
        close: () => reply.resolve(false),
        error: () => reply.resolve(false),
      },
    });
    socket.write("PING\r\n");
    const timer = setTimeout(() => {
      reply.resolve(false);
      socket.end();
    }, 1_000);
    const answered = await reply.promise;
    clearTimeout(timer);
    return answered;
  } catch {
    return false;
  }
}

/** Starts a private redis-server; `destroy()` stops it and removes its files. */
export async function startPrivateRedis(opts: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const binary = redisServerBinary();
  if (!binary) throw new Error("redis-server not found on PATH (Debian package redis-server)");
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "payments-redis-"));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const port = await freePort();
  const log = join(dir, `redis-${port}.log`);
  let proc: Bun.Subprocess | undefined;

  const up = async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) return;
    const started = Bun.spawn(
      // `--dir` keeps anything the server writes out of the caller's working directory.
      [
        binary,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--logfile",
        log,
      ],
      { stdout: "ignore", stderr: "ignore" },
    );
    proc = started;
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      // Exited already: most likely the port was taken between freePort() and the bind.
      if (started.exitCode !== null || started.signalCode !== null) {
        const tail = await readFile(log, "utf8").catch(() => "");
        throw new Error(`private redis-server on :${port} exited at start\n${tail.slice(-2_000)}`);
      }
      if (await answersPing(port)) return;
      await Bun.sleep(50);
    }
    started.kill("SIGKILL");
    await started.exited;
    throw new Error(`private redis-server on :${port} did not answer PING within ${readyTimeoutMs} ms`);
  };

  const down = async () => {
    const running = proc;
    proc = undefined;
    if (!running) return;
    running.kill("SIGKILL");
    await running.exited;
  };

  try {
    await up();
  } catch (error) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    down,
    up,
    destroy: async () => {
      await down();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
