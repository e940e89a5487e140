/**
 * Playwright's `webServer`: the platform as a user meets it. Builds the frontends when they are not built,
 * gives the services fresh databases (on POSTGRES_URL when set, PGlite in the scratch dir otherwise), seeds
 * an admin, starts `scripts/start.ts` (one process, fresh ports) and Caddy in front of it (`tls internal`,
 * storage in the scratch dir so the root certificate is at a known path). Cache and event bus are the
 * embedded ones: the shared Redis and RabbitMQ belong to other suites running at the same time. Runs until
 * SIGTERM/SIGINT, then stops both and drops the databases.
 */
import { existsSync, mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@payments/testing";
import { caddyRootCert, edgeOrigin, platformBaseEnv, readE2eEnv, stateFile } from "./config.ts";
import { type Child, runToEnd, startChild } from "./processes.ts";

const root = new URL("../..", import.meta.url).pathname;
const env = readE2eEnv();
const logDir = join(root, "e2e", ".logs");
mkdirSync(logDir, { recursive: true });
const say = (message: string) => process.stderr.write(`[e2e serve] ${message}\n`);

const built =
  existsSync(join(root, "frontends", "shell", "dist", "index.html")) &&
  ["auth", "payments", "admin"].every((app) =>
    existsSync(join(root, "frontends", app, "dist", "remoteEntry.js")),
  );
if (!built || env.rebuild) {
  say("building the frontends (bun run build:frontends)");
  await runToEnd(["bun", "run", "build:frontends"], { cwd: root, env: platformBaseEnv() });
}

const SERVICES = ["auth", "payments", "admin", "profile"] as const;
const databases: TestDatabase[] = [];
const databaseEnv: Record<string, string> = {};
for (const name of SERVICES) {
  if (env.postgresUrl) {
    const db = await createTestDatabase(env.postgresUrl, `e2e_${name}`);
    databases.push(db);
    databaseEnv[`${name.toUpperCase()}_DATABASE_URL`] = db.url;
  } else {
    const dir = join(env.dir, "data", name);
    mkdirSync(dir, { recursive: true });
    databaseEnv[`${name.toUpperCase()}_DATA_DIR`] = dir;
  }
}
await Bun.write(stateFile(env), JSON.stringify({ authDatabaseUrl: databaseEnv.AUTH_DATABASE_URL ?? null }));

const edge = edgeOrigin(env);
const origins = `${edge},http://localhost:${env.gatewayPort}`;
const platformEnv: Record<string, string> = {
  ...platformBaseEnv(),
  ...databaseEnv,
  LOG_LEVEL: "warn",
  // This file runs its own Caddy (below) on the run's ports; the runner must not start another.
  PLATFORM_EDGE: "off",
  GATEWAY_PORT: String(env.gatewayPort),
  AUTH_PORT: String(env.servicePorts.auth),
  PAYMENTS_PORT: String(env.servicePorts.payments),
  ADMIN_PORT: String(env.servicePorts.admin),
  PROFILE_PORT: String(env.servicePorts.profile),
  // Browsers reach the platform at Caddy's origin; the gateway's own origin stays for direct API calls.
  AUTH_ALLOWED_ORIGINS: origins,
  GATEWAY_ALLOWED_ORIGINS: origins,
  // Every request comes from 127.0.0.1; the suites register hundreds of users and fail logins on purpose.
  AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
  // Every test client is 127.0.0.1 and registers many users: the gateway's limits would throttle the run.
  GATEWAY_RATE_LIMIT_USER: "1000000",
  GATEWAY_RATE_LIMIT_IP: "1000000",
  GATEWAY_RATE_LIMIT_AUTH: "1000000",
  AUTH_LOGIN_FAILURES_PER_IP_HOUR: "100000",
  // The fuzzer asks for many password resets from this one address; journeys must still get theirs.
  AUTH_MAIL_REQUESTS_PER_IP_HOUR: "100000",
  // Mail goes to the development mailbox in the scratch dir (support/mailbox.ts reads it), its links to
  // Caddy's origin as a person would open them.
  MAILBOX_DIR: join(env.dir, "mailbox"),
  PUBLIC_BASE_URL: edge,
  // Short-lived access tokens (3 min; the shell renews one a minute before expiry), so API suites that hold
  // users for minutes go through renewal too. Not shorter: the shell would renew every second.
  AUTH_ACCESS_TOKEN_TTL_SECONDS: "180",
  // Webhook journeys deliver to a receiver on 127.0.0.1 (docs/adr/0034): loopback targets allowed here only.
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: "true",
  // The ledger in seconds, not days (docs/adr/0031): funds available 30 s after a payment, payouts paid 3 s
  // after they leave; no daily payouts, which would race a journey's own payout request.
  PAYMENTS_SETTLEMENT_DELAY_S: "30",
  PAYMENTS_PAYOUT_ARRIVAL_S: "3",
  PAYMENTS_LEDGER_TICK_MS: "1000",
  PAYMENTS_DAILY_PAYOUTS: "off",
};

say(`seeding the admin user (${env.postgresUrl ? "Postgres" : "PGlite"})`);
await runToEnd(["bun", join(root, "services/auth/src/seed.ts")], {
  cwd: env.dir,
  env: { ...platformEnv, SEED_ADMIN_EMAIL: env.adminEmail, SEED_ADMIN_PASSWORD: env.adminPassword },
});

let stopping = false;
let caddy: Child | undefined;
const exitIfUnexpected = (name: string) => (code: number) => {
  if (stopping) return;
  say(`${name} exited with ${code}; see e2e/.logs/${name}.log`);
  void stop(`${name} exited`, 1);
};

say(`starting the platform (gateway :${env.gatewayPort})`);
const platform: Child = startChild("platform", ["bun", join(root, "scripts/start.ts")], {
  cwd: env.dir,
  env: platformEnv,
  log: join(logDir, "platform.log"),
  readyWhen: "Payments platform is up",
  readyTimeoutMs: 180_000,
});
void platform.proc.exited.then(exitIfUnexpected("platform"));
await platform.ready;

say(`starting Caddy (${edge})`);
const edgeServer: Child = startChild(
  "caddy",
  ["caddy", "run", "--config", join(root, "Caddyfile"), "--adapter", "caddyfile"],
  {
    cwd: env.dir,
    env: {
      PATH: platformEnv.PATH ?? "/usr/bin:/bin",
      HOME: env.dir,
      XDG_DATA_HOME: join(env.dir, "xdg-data"),
      XDG_CONFIG_HOME: join(env.dir, "xdg-config"),
      CADDY_HTTPS_PORT: String(env.httpsPort),
      CADDY_HTTP_PORT: String(env.httpPort),
      CADDY_ADMIN: "off",
      GATEWAY_UPSTREAMS: `127.0.0.1:${env.gatewayPort}`,
      SITE_ADDRESS: "localhost",
    },
    log: join(logDir, "caddy.log"),
  },
);
caddy = edgeServer;
void edgeServer.proc.exited.then(exitIfUnexpected("caddy"));

// Caddy makes its CA on start; the suites read the root certificate, so wait for it to exist.
const deadline = Date.now() + 20_000;
while (!existsSync(caddyRootCert(env))) {
  if (Date.now() > deadline) throw new Error(`Caddy wrote no root certificate at ${caddyRootCert(env)}`);
  await Bun.sleep(100);
}
say("ready");

async function stop(why: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`${why}: stopping Caddy and the platform`);
  await Promise.all([caddy?.stop(15_000), platform.stop(15_000)]);
  if (!env.keep) {
    await Promise.all(databases.map((db) => db.drop().catch(() => undefined)));
    // The scratch dir holds saved sessions (refresh cookies) and the CA key: nothing of it outlives the run.
    await rm(env.dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
