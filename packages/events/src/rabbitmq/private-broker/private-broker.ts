import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readPrivateBrokerEnv } from "./config.ts";

/**
 * A RabbitMQ node of its own for tests that stop the broker: other suites share the machine's broker, and
 * `rabbitmqctl stop_app` on it would break them. The node gets its own name, ports, Erlang cookie, data and
 * log directories under a temp dir, no plugins, and is halted and deleted by `stop()`.
 */
export interface PrivateBroker {
  /** `amqp://guest:guest@127.0.0.1:<port>` */
  readonly url: string;
  readonly nodename: string;
  /** `rabbitmqctl stop_app`: the node stays up, RabbitMQ stops (clients are disconnected). */
  stopApp(): Promise<void>;
  /** `rabbitmqctl start_app` and wait until it accepts connections again. */
  startApp(): Promise<void>;
  /** Runs `rabbitmqctl -n <node> ...args`; resolves with stdout, rejects with stderr. */
  ctl(...args: string[]): Promise<string>;
  /** Halts the node and deletes its files. */
  stop(): Promise<void>;
}

const env = readPrivateBrokerEnv();

/** Directory with `rabbitmq-server` and `rabbitmqctl`, or undefined when RabbitMQ is not installed here. */
export function privateBrokerScripts(): string | undefined {
  // Debian's /usr/sbin wrappers re-run the scripts as the `rabbitmq` user (`su`), which would lose the
  // private HOME and cookie; the scripts behind them run as whoever calls them.
  const candidates = [env.scriptsDir, "/usr/lib/rabbitmq/bin"];
  for (const dir of candidates) if (dir && existsSync(join(dir, "rabbitmq-server"))) return dir;
  const onPath = Bun.which("rabbitmq-server", { PATH: env.path });
  return onPath ? dirname(onPath) : undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A free AMQP port whose neighbour (the node's distribution port) is free too. Below the ephemeral range,
 * and away from 25672/35672-35682, which the shared node and its CLI tools use.
 */
async function freePorts(): Promise<{ amqp: number; dist: number }> {
  for (let i = 0; i < 50; i++) {
    const amqp = 12_000 + Math.floor(Math.random() * 7_000);
    if ((await portFree(amqp)) && (await portFree(amqp + 1))) return { amqp, dist: amqp + 1 };
  }
  throw new Error("no free port pair for a private RabbitMQ node");
}

/** Starts a private node and resolves once it accepts AMQP connections (about 5–10 s). */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const scripts = privateBrokerScripts();
  if (!scripts) throw new Error("RabbitMQ is not installed here (no rabbitmq-server found)");
  const dir = await mkdtemp(join(tmpdir(), "rabbit-private-"));
  const ports = await freePorts();
  const name = `private-${ports.amqp}-${process.pid}`;
  const nodename = `${name}@localhost`;
  await writeFile(join(dir, ".erlang.cookie"), crypto.randomUUID().replaceAll("-", ""), { mode: 0o600 });
  await writeFile(join(dir, "enabled_plugins"), "[].\n");
  await writeFile(join(dir, "rabbitmq.conf"), `listeners.tcp.local = 127.0.0.1:${ports.amqp}\n`);
  await writeFile(join(dir, "rabbitmq-env.conf"), "");
  const nodeEnv: Record<string, string> = {
    PATH: env.path,
    HOME: dir, // the Erlang cookie is read from $HOME, for the server and the CLI alike
    LANG: "C.UTF-8",
    RABBITMQ_NODENAME: nodename,
    RABBITMQ_DIST_PORT: String(ports.dist),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
    RABBITMQ_PID_FILE: join(dir, "pid"),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
  };

  const run = async (cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const proc = Bun.spawn(cmd, { env: nodeEnv, cwd: dir, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  };
  const ctl = async (...args: string[]): Promise<string> => {
    const result = await run([join(scripts, "rabbitmqctl"), "-n", nodename, ...args]);
    if (result.code !== 0)
      throw new Error(`rabbitmqctl ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  // `await_startup` fails while the node is still booting its runtime: retry it.
  const awaitStartup = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const result = await run([
        join(scripts, "rabbitmqctl"),
        "-n",
        nodename,
        "await_startup",
        "--timeout",
        "5",
      ]);
      if (result.code === 0) return;
      last = result.stderr || result.stdout;
      await Bun.sleep(300);
    }
    throw new Error(
      `private RabbitMQ ${nodename} did not start within ${timeoutMs} ms: ${last.slice(0, 500)}`,
    );
  };

  const started = await run([join(scripts, "rabbitmq-server"), "-detached"]);
  if (started.code !== 0) throw new Error(`rabbitmq-server -detached failed: ${started.stderr}`);
  try {
    await awaitStartup(90_000);
  } catch (error) {
    await run([join(scripts, "rabbitmqctl"), "-n", nodename, "stop"]);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `amqp://guest:guest@127.0.0.1:${ports.amqp}`,
    nodename,
    ctl,
    async stopApp() {
      await ctl("stop_app");
    },
    async startApp() {
      await ctl("start_app");
      await awaitStartup(60_000);
    },
    async stop() {
      const stopped = await run([join(scripts, "rabbitmqctl"), "-n", nodename, "stop"]);
      if (stopped.code !== 0) {
        // The CLI could not reach it: end the node this helper started, by its recorded pid.
        const pid = Number.parseInt(
          await Bun.file(join(dir, "pid"))
            .text()
            .catch(() => ""),
          10,
        );
        if (Number.isInteger(pid) && pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
