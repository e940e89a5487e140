/**
 * Private servers for the chaos run, on random ports: other suites use the machine's shared Postgres, Redis
 * and RabbitMQ at the same time, and the chaos run stops and starts its servers. Postgres is a cluster of its
 * own (@payments/testing's), Redis a process of its own, RabbitMQ a node of its own (the events package's
 * private broker).
 */
import { createServer } from "node:net";
import { startPrivatePostgres } from "@payments/testing";
import {
  type PrivateBroker,
  startPrivateBroker,
} from "../../packages/events/src/rabbitmq/private-broker/index.ts";

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

/** A Postgres cluster of its own (the shared test helper; room for the platform's pools and the clients). */
export function privatePostgres(): Promise<Stoppable> {
  return startPrivatePostgres({ maxConnections: 200 });
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
