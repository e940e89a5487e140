/**
 * The platform under chaos: `scripts/start.ts` as a child process in the real mode (private Postgres with
 * one fresh database per service, private Redis, private RabbitMQ), restartable after a SIGKILL with the
 * same environment, so it comes back to the same databases and queues.
 */
import { join } from "node:path";
import postgres from "postgres";
import { type Child, startChild } from "../support/processes.ts";
import { freePort } from "./servers.ts";

const root = new URL("../..", import.meta.url).pathname;
const SERVICES = ["auth", "payments", "admin", "profile"] as const;

/** The running platform and how to reach its databases. */
export interface ChaosPlatform {
  readonly gateway: string;
  /** The development mailbox auth writes (no SMTP_URL): where verification mails land. */
  readonly mailboxDir: string;
  /** service → its database URL on the private cluster. */
  readonly databases: Record<(typeof SERVICES)[number], string>;
  /** SIGKILL, no goodbye: what a crashed host or an OOM kill does. */
  kill(): Promise<void>;
  /** Starts it again with the same environment; resolves when it says it is up. */
  start(): Promise<void>;
  /** Times it exited without being asked to. */
  readonly unexpectedExits: number;
  stop(): Promise<void>;
}

/** Creates the databases and starts the platform; `baseEnv` is the environment without secrets of ours. */
export async function startChaosPlatform(opts: {
  dir: string;
  postgresUrl: string;
  redisUrl: string;
  rabbitmqUrl: string;
  baseEnv: Record<string, string>;
  log: string;
}): Promise<ChaosPlatform> {
  const admin = postgres(opts.postgresUrl, { max: 1, onnotice: () => undefined });
  const databases = {} as Record<(typeof SERVICES)[number], string>;
  try {
    for (const name of SERVICES) {
      await admin.unsafe(`create database chaos_${name}`);
      const url = new URL(opts.postgresUrl);
      url.pathname = `/chaos_${name}`;
      databases[name] = url.toString();
    }
  } finally {
    await admin.end();
  }
  const ports = { GATEWAY_PORT: 0, AUTH_PORT: 0, PAYMENTS_PORT: 0, ADMIN_PORT: 0, PROFILE_PORT: 0 };
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
  const env: Record<string, string> = {
    ...opts.baseEnv,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_DATABASE_URL`, databases[s]])),
    REDIS_URL: opts.redisUrl,
    RABBITMQ_URL: opts.rabbitmqUrl,
    LOG_LEVEL: "warn",
    PLATFORM_EDGE: "off",
    MAILBOX_DIR: join(opts.dir, "mailbox"),
    AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
    // Every test client is 127.0.0.1 and registers many users: the gateway's limits would throttle the run.
    GATEWAY_RATE_LIMIT_USER: "1000000",
    GATEWAY_RATE_LIMIT_IP: "1000000",
    GATEWAY_RATE_LIMIT_AUTH: "1000000",
  };
  let child: Child | undefined;
  let stopping = false;
  let unexpectedExits = 0;
  const start = async () => {
    const current = startChild("platform", ["bun", join(root, "scripts/start.ts")], {
      cwd: opts.dir,
      env,
      log: opts.log,
      readyWhen: "Payments platform is up",
      readyTimeoutMs: 120_000,
    });
    child = current;
    void current.proc.exited.then(() => {
      if (!stopping && child === current && !current.proc.killed) unexpectedExits++;
    });
    await current.ready;
  };
  await start();
  return {
    gateway: `http://127.0.0.1:${ports.GATEWAY_PORT}`,
    mailboxDir: join(opts.dir, "mailbox"),
    databases,
    get unexpectedExits() {
      return unexpectedExits;
    },
    async kill() {
      await child?.kill();
    },
    start,
    async stop() {
      stopping = true;
      await child?.stop(15_000);
    },
  };
}
