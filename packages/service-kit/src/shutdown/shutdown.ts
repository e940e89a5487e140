import type { Server, WebSocketHandler } from "bun";
import type { Logger } from "pino";

/** Ordered, idempotent graceful shutdown of one process. */
export interface Shutdown {
  /** Registers a closer. Closers run in reverse order of registration: pools opened first close last. */
  add(name: string, close: () => Promise<void> | void): void;
  /** Registers a closer that runs before every {@link add}ed one (the HTTP server: stop taking requests first). */
  addFirst(name: string, close: () => Promise<void> | void): void;
  /** Runs all closers once; later calls return the same promise. Never rejects: failures are logged. */
  run(reason?: string): Promise<void>;
  /** Installs SIGTERM/SIGINT handlers (once) that run the shutdown and exit 0. */
  listen(signals?: NodeJS.Signals[]): void;
}

/** Options of {@link createShutdown}. */
export interface ShutdownOptions {
  /** Budget for each closer; one that hangs is abandoned so the rest still close. Default 10 s. */
  timeoutMs?: number;
  /** How the process ends after a signal; tests replace it. Default `process.exit`. */
  exit?: (code: number) => void;
}

interface Closer {
  name: string;
  close: () => Promise<void> | void;
}

/** Creates the process's shutdown sequence. */
export function createShutdown(logger: Logger, opts: ShutdownOptions = {}): Shutdown {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const first: Closer[] = [];
  const rest: Closer[] = [];
  let running: Promise<void> | undefined;
  const listening = new Set<string>();

  async function closeOne(closer: Closer): Promise<void> {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(closer.close), timeout]);
      const duration_ms = Math.round(performance.now() - started);
      if (outcome === "timeout")
        logger.warn({ closer: closer.name, timeout_ms: timeoutMs }, "closer timed out");
      else logger.info({ closer: closer.name, duration_ms }, "closed");
    } catch (error) {
      logger.error({ closer: closer.name, err: error }, "closer failed");
    } finally {
      clearTimeout(timer);
    }
  }

  async function runAll(reason: string): Promise<void> {
    logger.info({ reason }, "shutting down");
    for (const closer of [...[...first].reverse(), ...[...rest].reverse()]) await closeOne(closer);
    logger.info({ reason }, "shutdown complete");
  }

  const shutdown: Shutdown = {
    add(name, close) {
      rest.push({ name, close });
    },
    addFirst(name, close) {
      first.push({ name, close });
    },
    run(reason = "requested") {
      running ??= runAll(reason);
      return running;
    },
    listen(signals = ["SIGTERM", "SIGINT"]) {
      for (const signal of signals) {
        if (listening.has(signal)) continue;
        listening.add(signal);
        // `once`: a second signal during shutdown finds no handler and ends the process the default way,
        // which is what an operator pressing Ctrl-C twice expects.
        process.once(signal, () => {
          void shutdown.run(signal).then(() => exit(0));
        });
      }
    },
  };
  return shutdown;
}

/** Options of {@link serve}. */
export interface ServeOptions<WebSocketData> {
  /** A Hono app, or any fetch handler; `undefined` means the request was upgraded to a WebSocket. */
  app: {
    fetch: (
      request: Request,
      server: Server<WebSocketData>,
    ) => Response | undefined | Promise<Response | undefined>;
  };
  port: number;
  hostname?: string;
  shutdown: Shutdown;
  logger: Logger;
  websocket?: WebSocketHandler<WebSocketData>;
}

/**
 * How long an idle keep-alive connection stays open (Bun.serve's maximum; its default is 10 s). The callers
 * keep idle connections longer than 10 s — Bun's fetch pool (the gateway) for 5 minutes without reading any
 * Keep-Alive hint, Caddy for 2 — and a POST sent on a connection the server is closing at that moment fails
 * with a reset that fetch retries only for GETs: the client saw a 502 for a request that never arrived.
 */
export const KEEP_ALIVE_IDLE_SECONDS = 255;

/**
 * Starts `Bun.serve` for the app and registers, as the first step of shutdown, `server.stop()`: the
 * listener closes at once (new connections are refused) and the promise resolves when in-flight requests
 * have completed, before pools and buses they use are closed.
 */
export function serve<WebSocketData = undefined>(opts: ServeOptions<WebSocketData>): Server<WebSocketData> {
  const hostname = opts.hostname ?? "0.0.0.0";
  const server = opts.websocket
    ? Bun.serve<WebSocketData>({
        port: opts.port,
        hostname,
        idleTimeout: KEEP_ALIVE_IDLE_SECONDS,
        fetch: (request, server) => opts.app.fetch(request, server),
        websocket: opts.websocket,
      })
    : Bun.serve<WebSocketData>({
        port: opts.port,
        hostname,
        idleTimeout: KEEP_ALIVE_IDLE_SECONDS,
        // Without a WebSocket handler nothing is upgraded, so an app answering `undefined` is a bug: 500.
        fetch: async (request, server) =>
          (await opts.app.fetch(request, server)) ?? new Response(null, { status: 500 }),
      });
  opts.shutdown.addFirst("http server", () => server.stop());
  opts.logger.info({ url: server.url.href }, "listening");
  return server;
}
