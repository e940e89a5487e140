/**
 * Private servers for the chaos run, on random ports under a temp dir: other suites use the machine's
 * shared Postgres, Redis and RabbitMQ at the same time, and the chaos run stops and starts its servers.
 * Postgres is a cluster of its own (initdb + pg_ctl, as the `postgres` user when running as root), Redis a
 * process of its own, RabbitMQ a node of its own (the events package's private broker).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  type PrivateBroker,
  startPrivateBroker,
} from "../../packages/events/src/rabbitmq/private-broker/index.ts";
import { runToEnd } from "../support/processes.ts";

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A server the chaos run can take down and bring back. */
export interface Stoppable {
  readonly url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  destroy(): Promise<void>;
}

/** Redis with no persistence (a restart loses the cache, as a real cache restart would). */
export async function privateRedis(dir: string): Promise<Stoppable> {
  const port = await freePort();
  let proc: Bun.Subprocess | undefined;
  const start = async () => {
    proc = Bun.spawn(
      [
        "redis-server",
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
      ],
      {
        stdout: "ignore",
        stderr: "ignore",
      },
    );
    for (let i = 0; i < 100; i++) {
      const ping = Bun.spawnSync(["redis-cli", "-p", String(port), "ping"], {
        stdout: "pipe",
        stderr: "ignore",
      });
      if (ping.stdout.toString().includes("PONG")) return;
      await Bun.sleep(50);
    }
    throw new Error(`private Redis on :${port} did not answer`);
  };
  await start();
  const stop = async () => {
    proc?.kill("SIGKILL");
    await proc?.exited;
    proc = undefined;
  };
  return { url: `redis://127.0.0.1:${port}`, down: stop, up: start, destroy: stop };
}

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, "bin")).find((bin) => existsSync(join(bin, "initdb")));
  if (!found) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin");
  return found;
}

/** A Postgres cluster of its own (trust auth on 127.0.0.1, socket in its own dir). */
export async function privatePostgres(dir: string): Promise<Stoppable> {
  const bin = postgresBin();
  const port = await freePort();
  const data = join(dir, "pgdata");
  mkdirSync(data, { recursive: true });
  // initdb and the server refuse to run as root: they run as `postgres`, owner of the data dir.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim());
    const gid = Number(Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim());
    chmodSync(dir, 0o755);
    chownSync(data, uid, gid);
  }
  const as = (cmd: string[]) => (asRoot ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd);
  const env = { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: "C.UTF-8" };
  await runToEnd(as([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]), {
    cwd: dir,
    env,
  });
  const pgctl = (...args: string[]) =>
    runToEnd(as([join(bin, "pg_ctl"), "-D", data, ...args]), { cwd: dir, env });
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const up = async () => {
    await pgctl("-o", options, "-l", join(data, "server.log"), "-w", "-t", "60", "start");
  };
  await up();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    up,
    // Fast shutdown: clients are disconnected and in-flight transactions roll back, as in a failover.
    down: async () => {
      await pgctl("-m", "fast", "-w", "stop");
    },
    destroy: async () => {
      await pgctl("-m", "immediate", "-w", "stop").catch(() => undefined);
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** A RabbitMQ node of its own; down = `stop_app` (clients disconnected), up = `start_app`. */
export async function privateRabbit(): Promise<Stoppable> {
  const broker: PrivateBroker = await startPrivateBroker();
  return {
    url: broker.url,
    down: () => broker.stopApp(),
    up: () => broker.startApp(),
    destroy: () => broker.stop(),
  };
}
