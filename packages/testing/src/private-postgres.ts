/**
 * A Postgres cluster of the test's own (initdb + pg_ctl on a free port under a temp dir), for fault tests
 * and the chaos suite that stop and restart the server: the machine's shared Postgres must never be stopped.
 * Runs as the `postgres` user when running as root; trust auth on 127.0.0.1, fsync off.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

/** A private server the test can take down and bring back. */
export interface PrivatePostgres {
  /** Admin URL (database `postgres`). */
  readonly url: string;
  /** Fast shutdown: sessions are terminated (57P01) and open transactions roll back, as in a failover. */
  down(): Promise<void>;
  up(): Promise<void>;
  destroy(): Promise<void>;
}

/** The newest PostgreSQL server binaries installed, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, "bin")).find((bin) => existsSync(join(bin, "pg_ctl")));
}

async function run(cmd: string[], env: Record<string, string>): Promise<void> {
  const proc = Bun.spawn(cmd, { env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}\n${out}\n${err}`);
}

/** Options of {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** Server connection limit (default 100). */
  maxConnections?: number;
}

/** Creates and starts a private cluster; `destroy()` stops it and removes its files. */
export async function startPrivatePostgres(opts: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin");
  const dir = mkdtempSync(join(tmpdir(), "payments-pg-"));
  const data = join(dir, "pgdata");
  const port = await freePort();
  // initdb and the server refuse to run as root: they run as `postgres`, owner of the temp dir.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag: string) => Number(Bun.spawnSync(["id", flag, "postgres"]).stdout.toString().trim());
    chmodSync(dir, 0o755);
    chownSync(dir, id("-u"), id("-g"));
  }
  const as = (cmd: string[]) => (asRoot ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd);
  const env = { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: "C.UTF-8" };
  await run(as([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]), env);
  const pgctl = (...args: string[]) => run(as([join(bin, "pg_ctl"), "-D", data, ...args]), env);
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${opts.maxConnections ?? 100}`;
  const up = () => pgctl("-o", options, "-l", join(data, "server.log"), "-w", "-t", "60", "start");
  await up();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    up,
    down: () => pgctl("-m", "fast", "-w", "-t", "60", "stop"),
    destroy: async () => {
      await pgctl("-m", "immediate", "-w", "stop").catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
