/**
 * The edge of the gateway benchmark: the root Caddyfile run by Debian's `caddy` (GOGC=400, as the edge image
 * runs it) in front of an upstream (the gateway, or raw Bun.serve for the machine's floor), on free loopback
 * ports, with its data in a scratch directory. Connection churn to the upstream is read from the kernel:
 * sockets to the upstream's port left in TIME_WAIT are connections that were opened and closed.
 */
import { join } from "node:path";
import { freePort } from "@payments/testing";

export interface Edge {
  /** `https://localhost:<port>` */
  origin: string;
  proc: Bun.Subprocess;
}

/** Starts Caddy with the root Caddyfile in front of `upstream` (`127.0.0.1:<port>`); undefined without caddy. */
export async function startEdge(opts: {
  root: string;
  scratch: string;
  path: string;
  upstream: string;
}): Promise<Edge | undefined> {
  if (!Bun.which("caddy")) return undefined;
  const https = await freePort();
  const data = join(opts.scratch, `caddy-${https}`);
  const proc = Bun.spawn(
    ["caddy", "run", "--config", join(opts.root, "Caddyfile"), "--adapter", "caddyfile"],
    {
      env: {
        PATH: opts.path,
        HOME: data,
        XDG_DATA_HOME: join(data, "data"),
        XDG_CONFIG_HOME: join(data, "config"),
        CADDY_HTTPS_PORT: String(https),
        CADDY_HTTP_PORT: String(await freePort()),
        CADDY_ADMIN: "off",
        GATEWAY_UPSTREAMS: opts.upstream,
        // As the edge image runs it (infra/docker/frontends.Dockerfile, ADR 0026).
        GOGC: "400",
      },
      stdout: "ignore",
      stderr: "ignore",
    },
  );
  // Listening, with its local CA's certificate issued.
  for (let waited = 0; waited < 10_000; waited += 100) {
    const ok = await fetch(`https://localhost:${https}/`, { tls: { rejectUnauthorized: false } })
      .then(() => true)
      .catch(() => false);
    if (ok) return { origin: `https://localhost:${https}`, proc };
    if (proc.exitCode !== null) break;
    await Bun.sleep(100);
  }
  proc.kill("SIGINT");
  throw new Error(`caddy did not start on ${https} (exit ${proc.exitCode})`);
}

/** TCP sockets to or from `port` in TIME_WAIT (the side that closed keeps one for 60 s): connections closed lately. */
export function closedConnectionsTo(port: number): number {
  const filter = `( sport = :${port} or dport = :${port} )`;
  const out = Bun.spawnSync(["ss", "-Htan", "state", "time-wait", filter]).stdout.toString();
  return out.split("\n").filter((line) => line.trim() !== "").length;
}
