/**
 * Starts the whole platform the way `bun run start` does (scripts/start.ts, one child process), on fresh
 * ports, fresh databases and, when a broker is given, a private RabbitMQ virtual host, so that it never
 * shares queues with other suites running against the same servers.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, freePort, type TestDatabase } from "@payments/testing";

/** Repository root. */
export const root = new URL("../../../", import.meta.url).pathname;

/** Every service the runner will start: `services/<name>/src/server.ts`. */
export function serviceNames(): string[] {
  return readdirSync(join(root, "services"))
    .filter((name) => existsSync(join(root, "services", name, "src", "server.ts")))
    .sort();
}

/** Every service package (`services/<name>/package.json`), started or not yet startable. */
export function serviceDirs(): string[] {
  return readdirSync(join(root, "services"))
    .filter((name) => existsSync(join(root, "services", name, "package.json")))
    .sort();
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  const proc = Bun.spawn(["rabbitmqctl", ...args], { stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`rabbitmqctl ${args.join(" ")} failed (${code}): ${err}`);
}

/** A RabbitMQ virtual host of its own on the broker of `amqpUrl`, deleted by `drop()`. */
export async function privateVhost(amqpUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const vhost = `infra-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const url = new URL(amqpUrl);
  await rabbitmqctl("add_vhost", vhost);
  await rabbitmqctl("set_permissions", "-p", vhost, decodeURIComponent(url.username), ".*", ".*", ".*");
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return { url: url.toString(), drop: () => rabbitmqctl("delete_vhost", vhost) };
}

/** Options of {@link startPlatform}. */
export interface PlatformOptions {
  /** Admin URL of a Postgres server: each service gets a fresh database on it. Else PGlite in a temp dir. */
  postgresUrl?: string | undefined;
  /** AMQP URL of a broker: the platform gets a private vhost on it. Else the in-process bus. */
  rabbitmqUrl?: string | undefined;
  /** More environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
}

/** A running platform. */
export interface Platform {
  /** Base URL of each started service, by name. */
  urls: Map<string, string>;
  /** What the runner printed up to its banner. */
  banner: string;
  /** SIGTERM, wait for exit, then drop the databases and vhost; resolves with the exit code. */
  stop(): Promise<number>;
}

/** Environment of a machine with nothing configured (no server URLs, no ports). */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.endsWith("_URL") || key.endsWith("_PORT") || key.startsWith("OTEL_"))
      continue;
    env[key] = value;
  }
  return env;
}

/** Starts scripts/start.ts and resolves once it prints its banner (every service listening). */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const cwd = mkdtempSync(join(tmpdir(), "infra-platform-"));
  // PLATFORM_EDGE=off: no Caddy in front (scripts/caddy.ts); the suites talk to the services directly.
  const env: Record<string, string> = { ...cleanEnv(), LOG_LEVEL: "warn", PLATFORM_EDGE: "off", ...opts.env };
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(cwd, { recursive: true, force: true })];
  const names = serviceNames();
  for (const name of names) env[`${name.toUpperCase()}_PORT`] = String(await freePort());
  if (opts.postgresUrl) {
    for (const name of names.filter((n) => n !== "gateway")) {
      const db: TestDatabase = await createTestDatabase(opts.postgresUrl, `infra_${name}`);
      env[`${name.toUpperCase()}_DATABASE_URL`] = db.url;
      cleanups.push(() => db.drop());
    }
  }
  if (opts.rabbitmqUrl) {
    const vhost = await privateVhost(opts.rabbitmqUrl);
    env.RABBITMQ_URL = vhost.url;
    cleanups.push(() => vhost.drop());
  }
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };

  const proc = Bun.spawn(["bun", join(root, "scripts/start.ts")], {
    cwd,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let banner = "";
  try {
    const deadline = Date.now() + 170_000;
    while (!banner.includes("Payments platform is up")) {
      if (Date.now() > deadline) throw new Error(`platform did not start in time:\n${banner}`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`platform exited before starting:\n${banner}\n${await stderr}`);
      banner += decoder.decode(value);
    }
  } catch (error) {
    proc.kill("SIGKILL");
    await proc.exited;
    await cleanup();
    throw error;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done) {
      // discard
    }
  })().catch(() => undefined);

  const urls = new Map<string, string>();
  for (const name of names) urls.set(name, `http://127.0.0.1:${env[`${name.toUpperCase()}_PORT`]}`);
  return {
    urls,
    banner,
    async stop() {
      proc.kill("SIGTERM");
      const code = await proc.exited;
      await cleanup();
      return code;
    },
  };
}
