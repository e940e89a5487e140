/**
 * The one place the e2e suites read the environment. The Playwright config calls {@link prepareE2eEnv}
 * once in the runner process: it picks free ports and a scratch directory and writes them back into
 * `process.env`, which Playwright's workers and the `webServer` command inherit, so every process agrees
 * on where the platform is without a second round of port picking.
 */
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@payments/testing";

/** Where the platform under test is and who its admin is. */
export interface E2eEnv {
  /** Scratch directory: PGlite data, Caddy storage, credentials written by the setup project. */
  dir: string;
  httpsPort: number;
  httpPort: number;
  gatewayPort: number;
  servicePorts: { auth: number; payments: number; admin: number; profile: number };
  adminEmail: string;
  adminPassword: string;
  /**
   * Admin URL of a real Postgres (POSTGRES_URL). Set: the platform's four databases are fresh databases
   * there (faster start than PGlite, and the security suite can read the signing key to mint tokens with
   * bad claims). Unset: PGlite under {@link E2eEnv.dir}.
   */
  postgresUrl: string | undefined;
  /** True under CI=true. */
  ci: boolean;
  /** E2E_BUILD=1: rebuild the frontends even when `dist/` exists. */
  rebuild: boolean;
  /** E2E_KEEP=1: keep the scratch databases and data after the run (debugging). */
  keep: boolean;
}

const KEYS = {
  dir: "E2E_DIR",
  httpsPort: "E2E_HTTPS_PORT",
  httpPort: "E2E_HTTP_PORT",
  gatewayPort: "E2E_GATEWAY_PORT",
  auth: "E2E_AUTH_PORT",
  payments: "E2E_PAYMENTS_PORT",
  admin: "E2E_ADMIN_PORT",
  profile: "E2E_PROFILE_PORT",
} as const;

/** Admin seeded into the fresh auth database before the platform starts (`services/auth/src/seed.ts`). */
const ADMIN_EMAIL = "e2e-admin@example.com";
const ADMIN_PASSWORD = "e2e admin passphrase that is long enough";

/** Fills in any missing E2E_* variable (free ports, a scratch dir) and returns the result. */
export async function prepareE2eEnv(): Promise<E2eEnv> {
  const env = process.env;
  env[KEYS.dir] ||= mkdtempSync(join(tmpdir(), "payments-e2e-"));
  for (const key of [KEYS.httpsPort, KEYS.httpPort, KEYS.gatewayPort, KEYS.auth, KEYS.payments, KEYS.admin]) {
    env[key] ||= String(await freePort());
  }
  env[KEYS.profile] ||= String(await freePort());
  return readE2eEnv();
}

function port(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535) {
    throw new Error(
      `${name} is not set: run the suites through \`bun run e2e\` (playwright.config.ts sets it)`,
    );
  }
  return value;
}

/** Reads the variables {@link prepareE2eEnv} set; throws a readable error when they are missing. */
export function readE2eEnv(): E2eEnv {
  const dir = process.env[KEYS.dir];
  if (!dir) throw new Error(`${KEYS.dir} is not set: run the suites through \`bun run e2e\``);
  return {
    dir,
    httpsPort: port(KEYS.httpsPort),
    httpPort: port(KEYS.httpPort),
    gatewayPort: port(KEYS.gatewayPort),
    servicePorts: {
      auth: port(KEYS.auth),
      payments: port(KEYS.payments),
      admin: port(KEYS.admin),
      profile: port(KEYS.profile),
    },
    adminEmail: ADMIN_EMAIL,
    adminPassword: ADMIN_PASSWORD,
    postgresUrl: process.env.POSTGRES_URL || undefined,
    ci: process.env.CI === "true" || process.env.CI === "1",
    rebuild: process.env.E2E_BUILD === "1",
    keep: process.env.E2E_KEEP === "1",
  };
}

/** Origin browsers use (Caddy, HTTPS). */
export function edgeOrigin(env: E2eEnv): string {
  return `https://localhost:${env.httpsPort}`;
}

/** The gateway without Caddy, for fast API suites (fuzzing sends thousands of requests). */
export function gatewayOrigin(env: E2eEnv): string {
  return `http://127.0.0.1:${env.gatewayPort}`;
}

/** Caddy's `tls internal` root certificate, under the XDG_DATA_HOME the serve script gives Caddy. */
export function caddyRootCert(env: E2eEnv): string {
  return join(env.dir, "xdg-data", "caddy", "pki", "authorities", "local", "root.crt");
}

/** What the serve script knows once the platform is up (database URLs), for the suites. */
export function stateFile(env: E2eEnv): string {
  return join(env.dir, "state.json");
}

/** Credentials and ids of the users the setup project registers. */
export function usersFile(env: E2eEnv): string {
  return join(env.dir, "users.json");
}

/**
 * Environment the serve script hands to the platform process: everything of ours except real-server URLs
 * and ports (CI exports `<SERVICE>_DATABASE_URL` for the shared servers; the e2e platform is the embedded
 * default on a fresh data dir so it never shares state with other suites).
 */
export function platformBaseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.endsWith("_URL") || key.endsWith("_PORT")) continue;
    out[key] = value;
  }
  return out;
}

/** Fuzzing knobs: FUZZ_SEED (default 0x5eed) makes a run reproducible; FUZZ_CASES per operation (≥ 200). */
export function readFuzzEnv(): { seed: number; casesPerOperation: number } {
  const seed = Number(process.env.FUZZ_SEED ?? 0x5eed);
  const cases = Number(process.env.FUZZ_CASES ?? 200);
  return {
    seed: Number.isInteger(seed) ? seed : 0x5eed,
    casesPerOperation: Number.isInteger(cases) && cases >= 200 ? cases : 200,
  };
}

/**
 * Base64 SHA-256 of the SubjectPublicKeyInfo of Caddy's CA certificates (intermediate and root), for
 * Chromium's `--ignore-certificate-errors-spki-list`: the browser then treats the edge as a trusted secure
 * origin, so service workers register (with `ignoreHTTPSErrors` alone the origin stays "not secure" and
 * they do not). Chromium matches the chain it was sent, which ends at the intermediate. Empty until Caddy
 * has made its CA: the runner reads the config before the web server starts, workers read it afterwards.
 */
export function caddyCaSpkis(env: E2eEnv): string[] {
  const dir = join(caddyRootCert(env), "..");
  return ["intermediate.crt", "root.crt"]
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path))
    .map((path) => {
      const der = new X509Certificate(readFileSync(path)).publicKey.export({ type: "spki", format: "der" });
      return createHash("sha256").update(der).digest("base64");
    });
}

/** This process's environment plus `extra`, for a child process (a tool run by a test). */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) out[key] = value;
  return { ...out, ...extra };
}
