/**
 * Caddy for the edge tests: one process with its state (certificates, the local CA) in the test's own
 * directory, the admin API off, started and waited for the same way by every test that needs it.
 */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { readTestEnv } from "./config.ts";

/** Where Caddy started with `dir` as its scratch directory keeps its local CA's root (`tls internal`). */
export function caddyRootCertPath(dir: string): string {
  return join(dir, "data", "caddy", "pki", "authorities", "local", "root.crt");
}

/** Options of {@link startTestCaddy}. */
export interface TestCaddyOptions {
  /** The Caddyfile, relative to `cwd` or absolute. */
  config: string;
  cwd: string;
  /** Scratch directory of the test: Caddy's HOME, data (`data/caddy/...`) and config live under it. */
  dir: string;
  /** The Caddyfile's variables (ports, upstreams, ...). */
  env: Record<string, string>;
  /** Resolves true once the test can use Caddy (e.g. a health URL answers); polled every 100 ms. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}

/** A running Caddy; `stop()` ends it (SIGTERM) and waits for the exit. */
export interface TestCaddy {
  readonly proc: Subprocess<"ignore", "ignore", "pipe">;
  /** Caddy's local CA root (`tls internal`), for clients that must trust only it. */
  readonly rootCertPath: string;
  stop(): Promise<void>;
}

/** Starts Caddy and resolves once `ready()` holds; fails with Caddy's stderr if it exits or the time runs out. */
export async function startTestCaddy(opts: TestCaddyOptions): Promise<TestCaddy> {
  const caddy = Bun.which("caddy");
  if (!caddy) throw new Error("caddy is not installed (apt-get install caddy)");
  const proc = Bun.spawn([caddy, "run", "--adapter", "caddyfile", "--config", opts.config], {
    cwd: opts.cwd,
    env: {
      PATH: readTestEnv().path,
      HOME: opts.dir,
      XDG_DATA_HOME: join(opts.dir, "data"),
      XDG_CONFIG_HOME: join(opts.dir, "config"),
      CADDY_ADMIN: "off",
      ...opts.env,
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  while (!(await opts.ready().catch(() => false))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill("SIGTERM");
      throw new Error(`caddy did not start: ${await new Response(proc.stderr).text()}`);
    }
    await Bun.sleep(100);
  }
  return {
    proc,
    rootCertPath: caddyRootCertPath(opts.dir),
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
