/**
 * The platform for the frontend benchmark as a user meets it: `scripts/start.ts` on the embedded default in
 * a scratch dir with fresh ports, Caddy in front (PLATFORM_EDGE=caddy: HTTPS with its own local CA, the
 * headers and compression users get); the gateway serves the built apps. The first admin is made the way
 * an operator makes it (`bun run seed`), and mail goes to the development mailbox, which the benchmark
 * reads over HTTP to confirm addresses.
 */
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@payments/testing";
import { platformBaseEnv } from "./config.ts";

const root = new URL("../..", import.meta.url).pathname;

/** The seeded admin's sign-in. */
export const BENCH_ADMIN = { email: "bench-admin@example.com", password: "bench admin passphrase long" };

/** A running platform behind Caddy. */
export interface Platform {
  /** `https://localhost:<port>`: Caddy. */
  origin: string;
  /** PEM of Caddy's local root, for Bun's fetch. */
  ca: string;
  /** Base64 SHA-256 of the CA keys, for Chromium's `--ignore-certificate-errors-spki-list`. */
  spkis: string[];
  stop(): Promise<void>;
}

function spkiOf(path: string): string {
  const der = new X509Certificate(readFileSync(path)).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

/** Starts it; resolves once Caddy answers over HTTPS. */
export async function startPlatform(cwd: string): Promise<Platform> {
  const env = platformBaseEnv();
  for (const name of ["GATEWAY", "AUTH", "PAYMENTS", "ADMIN", "PROFILE", "CADDY_HTTPS", "CADDY_HTTP"])
    env[`${name}_PORT`] = String(await freePort());
  const origin = `https://localhost:${env.CADDY_HTTPS_PORT}`;
  env.LOG_LEVEL = "warn";
  env.PLATFORM_EDGE = "caddy";
  env.SITE_ADDRESS = "localhost";
  env.MAILBOX_DIR = join(cwd, "mailbox");
  env.PUBLIC_BASE_URL = origin;
  // The browser's origin is Caddy on a fresh port: let it refresh sessions and open sockets.
  env.AUTH_ALLOWED_ORIGINS = origin;
  env.GATEWAY_ALLOWED_ORIGINS = origin;
  // Every visit registers or signs in from this one address.
  env.AUTH_REGISTRATIONS_PER_IP_HOUR = "100000";
  env.GATEWAY_RATE_LIMIT_IP = "1000000";
  env.GATEWAY_RATE_LIMIT_AUTH = "1000000";

  const seed = Bun.spawnSync(["bun", `${root}services/auth/src/seed.ts`], {
    cwd,
    env: { ...env, SEED_ADMIN_EMAIL: BENCH_ADMIN.email, SEED_ADMIN_PASSWORD: BENCH_ADMIN.password },
    stdout: "ignore",
    stderr: "pipe",
  });
  if (seed.exitCode !== 0) throw new Error(`seeding the admin failed:\n${seed.stderr.toString()}`);

  const proc = Bun.spawn(["bun", `${root}scripts/start.ts`], { cwd, env, stdout: "pipe", stderr: "ignore" });
  let seen = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stdout) {
    seen += decoder.decode(chunk, { stream: true });
    if (seen.includes("Payments platform is up")) break;
  }
  if (!seen.includes("Payments platform is up")) throw new Error(`the platform did not start:\n${seen}`);
  const pki = join(cwd, ".caddy", "data", "caddy", "pki", "authorities", "local");
  const rootCert = join(pki, "root.crt");
  if (!existsSync(rootCert)) throw new Error(`no Caddy root certificate at ${rootCert}`);
  // Chromium matches the chain it is sent, which ends at the intermediate: trust both keys.
  const spkis = ["root.crt", "intermediate.crt"]
    .map((name) => join(pki, name))
    .filter((path) => existsSync(path))
    .map(spkiOf);
  return {
    origin,
    ca: readFileSync(rootCert, "utf8"),
    spkis,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
