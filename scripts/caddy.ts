/**
 * The Caddy part of `bun run start` (ARCHITECTURE §2, edge): when `caddy` is on PATH, the root Caddyfile
 * runs in front of the gateway — https://localhost:8443 with Caddy's local CA, http://localhost:8080
 * redirecting to it. Its storage (CA, certificates) lives in `.caddy/` of the working directory, like the
 * embedded databases in `.data/`, so nothing lands in the user's home and a scratch directory gets its own.
 */
import { existsSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { parseConfig } from "@payments/service-kit";
import { z } from "zod";

const root = new URL("..", import.meta.url).pathname;
const port = z.coerce.number().int().min(1).max(65535);

/** Settings of the local edge; the Caddy names are the Caddyfile's own placeholders. */
export const edgeEnv = z.object({
  /**
   * `auto` (default): Caddy when installed and its ports are free, else the gateway alone. `caddy`: Caddy or
   * fail. `off`: never (suites that run their own edge, or none).
   */
  PLATFORM_EDGE: z.enum(["auto", "caddy", "off"]).default("auto"),
  CADDY_HTTPS_PORT: port.default(8443),
  CADDY_HTTP_PORT: port.default(8080),
  /** Caddy's admin API; off unless asked for (nothing here reloads Caddy, and 2019 may be taken). */
  CADDY_ADMIN: z.string().min(1).default("off"),
  SITE_ADDRESS: z.string().min(1).default("localhost"),
});

export type EdgeConfig = z.infer<typeof edgeEnv>;

/** Parses the edge settings once; exits with a readable message on bad input. */
export function loadEdgeConfig(env: Record<string, string | undefined> = process.env): EdgeConfig {
  return parseConfig(edgeEnv, env, "edge");
}

/** A running Caddy. */
export interface Edge {
  /** The HTTPS URL users open. */
  url: string;
  /** Caddy's local root certificate: trust it (browser, NODE_EXTRA_CA_CERTS, curl --cacert). */
  rootCert: string;
  stop(): Promise<void>;
}

/** Why there is no edge (printed in the banner), or the edge. */
export type EdgeOutcome = { edge: Edge } | { skipped: string };

function portTaken(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: p });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts Caddy in front of the gateway on `gatewayPort` and waits until it answers over HTTPS with a
 * certificate from its own CA. `auto` gives up quietly (with the reason) when Caddy is missing or a port is
 * taken; `caddy` throws instead.
 */
export async function startEdge(config: EdgeConfig, gatewayPort: number, cwd: string): Promise<EdgeOutcome> {
  if (config.PLATFORM_EDGE === "off") return { skipped: "PLATFORM_EDGE=off" };
  const required = config.PLATFORM_EDGE === "caddy";
  const give = (reason: string): EdgeOutcome => {
    if (required) throw new Error(`PLATFORM_EDGE=caddy: ${reason}`);
    return { skipped: reason };
  };
  const caddy = Bun.which("caddy");
  if (!caddy) return give("caddy is not installed (apt-get install caddy)");
  for (const p of [config.CADDY_HTTPS_PORT, config.CADDY_HTTP_PORT]) {
    if (await portTaken(p)) return give(`port ${p} is taken (set CADDY_HTTPS_PORT / CADDY_HTTP_PORT)`);
  }

  const dir = join(cwd, ".caddy");
  mkdirSync(dir, { recursive: true });
  const dataHome = join(dir, "data");
  const rootCert = join(dataHome, "caddy", "pki", "authorities", "local", "root.crt");
  const log = join(dir, "caddy.log");
  const proc = Bun.spawn([caddy, "run", "--config", join(root, "Caddyfile"), "--adapter", "caddyfile"], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      XDG_DATA_HOME: dataHome,
      XDG_CONFIG_HOME: join(dir, "config"),
      CADDY_HTTPS_PORT: String(config.CADDY_HTTPS_PORT),
      CADDY_HTTP_PORT: String(config.CADDY_HTTP_PORT),
      CADDY_ADMIN: config.CADDY_ADMIN,
      SITE_ADDRESS: config.SITE_ADDRESS,
      GATEWAY_UPSTREAMS: `127.0.0.1:${gatewayPort}`,
      // As the edge image runs it (infra/docker/frontends.Dockerfile, ADR 0026): less of Go's collector.
      GOGC: "400",
    },
    stdout: "ignore",
    stderr: Bun.file(log),
  });
  // Caddy must not outlive the platform, even when the runner dies without running its shutdown.
  const killOnExit = () => proc.kill();
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    proc.kill("SIGTERM");
    await proc.exited;
  };

  const url = `https://${config.SITE_ADDRESS}:${config.CADDY_HTTPS_PORT}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) {
      const tail = (await Bun.file(log).text()).split("\n").slice(-5).join("\n");
      return give(`caddy exited (${proc.exitCode}); ${log}:\n${tail}`);
    }
    if (existsSync(rootCert)) {
      const ca = await Bun.file(rootCert).text();
      const answered = await fetch(`https://127.0.0.1:${config.CADDY_HTTPS_PORT}/health/live`, {
        headers: { host: `${config.SITE_ADDRESS}:${config.CADDY_HTTPS_PORT}` },
        tls: { ca, serverName: config.SITE_ADDRESS },
      }).then(
        () => true,
        () => false,
      );
      if (answered) return { edge: { url, rootCert, stop } };
    }
    if (Date.now() > deadline) {
      await stop();
      return give(`caddy did not answer on ${url} within 20 s (see ${log})`);
    }
    await Bun.sleep(100);
  }
}
