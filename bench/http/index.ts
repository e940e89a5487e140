/**
 * HTTP overhead (not a timed test): "hello" from raw Bun.serve, from a service-kit service, through the
 * gateway to that service, and through Caddy (TLS) → gateway → service; requests/s, p50/p99 and the ratio
 * to raw Bun. Each server is its own process and the load is `wrk` (Debian package), a separate process.
 * Run: `bun bench/http/index.ts` (or `bun run bench http`). Two cores: the load generator shares them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchPath } from "./config.ts";

const here = new URL(".", import.meta.url).pathname;
const root = new URL("../..", import.meta.url).pathname;
const DURATION = "8s";

interface Row {
  name: string;
  rps: number;
  p50: string;
  p99: string;
}

async function startServer(args: string[]): Promise<{ port: number; proc: Bun.Subprocess }> {
  const proc = Bun.spawn(["bun", `${here}servers.ts`, ...args], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return { port: (JSON.parse(new TextDecoder().decode(value)) as { port: number }).port, proc };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function wrk(url: string): Row & { raw: string } {
  // Warm-up first: JIT, connection pools, Caddy's certificate.
  Bun.spawnSync(["wrk", "-t1", "-c20", "-d2s", url]);
  const out = Bun.spawnSync(["wrk", "-t1", "-c50", `-d${DURATION}`, "--latency", url]).stdout.toString();
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = /\s50%\s+([\d.]+\w+)/.exec(out)?.[1] ?? "?";
  const p99 = /\s99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? "?";
  return { name: url, rps, p50, p99, raw: out };
}

if (!Bun.which("wrk")) {
  console.log("wrk is not installed (apt-get install wrk): HTTP benchmark skipped");
  process.exit(0);
}

const procs: Bun.Subprocess[] = [];
const scratch = mkdtempSync(join(tmpdir(), "bench-http-"));
try {
  const raw = await startServer(["raw"]);
  const service = await startServer(["service"]);
  const gateway = await startServer(["gateway", `http://127.0.0.1:${service.port}`]);
  procs.push(raw.proc, service.proc, gateway.proc);
  const rows: Row[] = [
    { ...wrk(`http://127.0.0.1:${raw.port}/`), name: "raw Bun.serve" },
    { ...wrk(`http://127.0.0.1:${service.port}/hello`), name: "service (service-kit Hono app)" },
    { ...wrk(`http://127.0.0.1:${gateway.port}/api/hello/hello`), name: "gateway → service" },
  ];
  if (Bun.which("caddy")) {
    const https = await freePort();
    const caddy = Bun.spawn(["caddy", "run", "--config", join(root, "Caddyfile"), "--adapter", "caddyfile"], {
      env: {
        PATH: benchPath(),
        HOME: scratch,
        XDG_DATA_HOME: join(scratch, "data"),
        XDG_CONFIG_HOME: join(scratch, "config"),
        CADDY_HTTPS_PORT: String(https),
        CADDY_HTTP_PORT: String(await freePort()),
        CADDY_ADMIN: "off",
        GATEWAY_UPSTREAMS: `127.0.0.1:${gateway.port}`,
      },
      stdout: "ignore",
      stderr: "ignore",
    });
    procs.push(caddy);
    await Bun.sleep(2_000);
    rows.push({
      ...wrk(`https://localhost:${https}/api/hello/hello`),
      name: "Caddy (TLS) → gateway → service",
    });
  }
  const base = rows[0]?.rps ?? 1;
  console.log("HTTP hello, 50 connections, wrk -t1, 8 s per row\n");
  console.log("| path | requests/s | p50 | p99 | vs raw Bun |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${Math.round(r.rps).toLocaleString("en")} | ${r.p50} | ${r.p99} | ${(r.rps / base).toFixed(2)}× |`,
    );
  }
} finally {
  for (const p of procs) p.kill();
  await Promise.all(procs.map((p) => p.exited));
  rmSync(scratch, { recursive: true, force: true });
}
