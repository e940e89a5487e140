import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  caddyRootCertPath,
  createTestDatabase,
  freePort,
  startTestCaddy,
  type TestCaddy,
  type TestDatabase,
} from "@payments/testing";
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import { privateVhost, root } from "../../../infra/test/support/platform.ts";

export const ISSUER = "urn:payments:auth";
export const AUDIENCE = "urn:payments:api";

/** A signing key and its JWKS, as the auth service would publish them. */
export async function testKeys(): Promise<{
  jwks: JSONWebKeySet;
  sign: (claims: TokenClaims) => Promise<string>;
}> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "EdDSA", use: "sig" };
  return {
    jwks: { keys: [jwk] },
    sign: (claims) =>
      new SignJWT({ role: claims.role, sid: claims.sessionId })
        .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "test-key" })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey),
  };
}

export interface TokenClaims {
  userId: string;
  role: "customer" | "vendor" | "admin";
  sessionId: string;
}

/** Messages a WebSocket received, with a way to wait for the next matching one. */
export function collect(ws: WebSocket) {
  const messages: Record<string, unknown>[] = [];
  const waiters: {
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];
  ws.addEventListener("message", (e) => {
    const message = JSON.parse(String(e.data)) as Record<string, unknown>;
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.match(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  return {
    messages,
    next(
      match: (m: Record<string, unknown>) => boolean,
      timeoutMs = 3_000,
    ): Promise<Record<string, unknown>> {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no matching message in time")), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("websocket failed to open")));
  });
}

export function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
}

/**
 * Starts `services/<name>/src/server.ts` alone as a child process (added to `children`, which the caller stops)
 * and waits for its readiness route; resolves with its base URL.
 */
export async function startServiceProcess(
  children: Bun.Subprocess<"ignore", "ignore", "pipe">[],
  name: string,
  env: Record<string, string>,
): Promise<string> {
  const port = await freePort();
  const child = Bun.spawn(["bun", join(root, `services/${name}/src/server.ts`)], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LOG_LEVEL: "warn",
      // Registrations from 127.0.0.1 count in the shared Redis across runs (benches, other suites): the
      // suites that register users are not testing that limit, which auth's own tests cover.
      AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
      ...env,
      [`${name.toUpperCase()}_PORT`]: String(port),
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`${name} did not start: ${await new Response(child.stderr).text()}`);
    await Bun.sleep(100);
  }
  return url;
}

/** Auth, payments and two gateways, each its own process on fresh databases, a private vhost and Redis. */
export interface TwoGateways {
  a: string;
  b: string;
  /** Auth's development mailbox (users confirm their address from it). */
  mailbox: string;
  /** The private vhost's AMQP URL the services share. */
  busUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts {@link TwoGateways} on the real servers; `name` prefixes its databases and mailbox, `gatewayEnv`
 * is added to both gateways' environment. `stop` ends the processes and removes what was made.
 */
export async function startTwoGateways(
  name: string,
  servers: { postgresUrl: string; rabbitmqUrl: string; redisUrl: string },
  gatewayEnv: Record<string, string> = {},
): Promise<TwoGateways> {
  const children: Bun.Subprocess<"ignore", "ignore", "pipe">[] = [];
  const databases: TestDatabase[] = [];
  const mailbox = mkdtempSync(join(tmpdir(), `${name}-mailbox-`));
  const vhost = await privateVhost(servers.rabbitmqUrl);
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      child.kill("SIGTERM");
      await child.exited;
    }
    for (const db of databases) await db.drop().catch(() => undefined);
    await vhost.drop();
    rmSync(mailbox, { recursive: true, force: true });
  };
  try {
    const shared = { RABBITMQ_URL: vhost.url, REDIS_URL: servers.redisUrl };
    for (const service of ["auth", "payments"])
      databases.push(await createTestDatabase(servers.postgresUrl, `${name}_${service}`));
    const [authDb, paymentsDb] = databases.map((d) => d.url);
    const auth = await startServiceProcess(children, "auth", {
      ...shared,
      AUTH_DATABASE_URL: authDb ?? "",
      MAILBOX_DIR: mailbox,
    });
    const payments = await startServiceProcess(children, "payments", {
      ...shared,
      PAYMENTS_DATABASE_URL: paymentsDb ?? "",
      AUTH_URL: auth,
    });
    const gateway = { ...shared, AUTH_URL: auth, PAYMENTS_URL: payments, ...gatewayEnv };
    const [a, b] = await Promise.all([
      startServiceProcess(children, "gateway", gateway),
      startServiceProcess(children, "gateway", gateway),
    ]);
    return { a: a ?? "", b: b ?? "", mailbox, busUrl: vhost.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The root Caddyfile on the given ports, its data in `dir`, in front of `upstreams` (`host:port`); resolves
 * once Caddy's local root exists and `readyPath` answers 2xx through it over HTTPS, trusting only that root.
 */
export async function startRootCaddy(opts: {
  dir: string;
  ports: { https: number; http: number };
  upstreams: string[];
  readyPath: string;
}): Promise<{ caddy: TestCaddy; ca: string }> {
  let ca = "";
  const caddy = await startTestCaddy({
    config: join(root, "Caddyfile"),
    cwd: opts.dir,
    dir: opts.dir,
    env: {
      CADDY_HTTPS_PORT: String(opts.ports.https),
      CADDY_HTTP_PORT: String(opts.ports.http),
      GATEWAY_UPSTREAMS: opts.upstreams.join(" "),
    },
    ready: async () => {
      const rootCert = Bun.file(caddyRootCertPath(opts.dir));
      if (rootCert.size === 0) return false;
      ca = await rootCert.text();
      const url = `https://localhost:${opts.ports.https}${opts.readyPath}`;
      return (await fetch(url, { tls: { ca } })).ok;
    },
  });
  return { caddy, ca };
}
