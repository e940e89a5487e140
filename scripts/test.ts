/**
 * `bun run test`: typecheck, lint and every test suite. Suites that need a server use the real one when
 * its URL is set, or when one answers on its standard local port; otherwise they do not run and this
 * script says why. Under CI=true a suite that cannot run is a failure, never a silent skip.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunCoverageFlags, FRONTENDS, failuresOf, tally, vitestCommand } from "./test-coverage/measure.ts";
import { coverageTable } from "./test-coverage/report.ts";
import { failedTests } from "./test-failures.ts";

const root = new URL("..", import.meta.url).pathname;
const ci = process.env.CI === "true" || process.env.CI === "1";

type Outcome = { name: string; status: "passed" | "failed" | "not run"; detail?: string; seconds?: number };
const outcomes: Outcome[] = [];

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 500 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const servers = [
  { env: "POSTGRES_URL", port: 5432, url: "postgres://postgres@127.0.0.1:5432/postgres" },
  { env: "REDIS_URL", port: 6379, url: "redis://127.0.0.1:6379" },
  { env: "RABBITMQ_URL", port: 5672, url: "amqp://guest:guest@127.0.0.1:5672" },
] as const;

const env: Record<string, string | undefined> = { ...process.env };
const missingServers: string[] = [];
for (const server of servers) {
  if (env[server.env]) continue;
  if (await portOpen(server.port)) {
    env[server.env] = server.url;
    console.log(`using the local server on :${server.port} (${server.env}=${server.url})`);
  } else {
    missingServers.push(server.env);
  }
}

/** Where a lane running beside another writes its suites' output until it can be printed whole. */
const logDir = mkdtempSync(join(tmpdir(), "test-lanes-"));
let logs = 0;

/**
 * Runs one suite. With `quiet`, its output goes to a file that is printed whole when it ends, so two
 * lanes running at once (below) do not interleave their lines.
 */
async function run(
  name: string,
  cmd: string[],
  opts: { stdin?: Blob; cwd?: string; quiet?: boolean } = {},
): Promise<boolean> {
  const title = `\n━━ ${name}: ${cmd.join(" ")}`;
  if (!opts.quiet) console.log(title);
  const log = opts.quiet ? join(logDir, `${logs++}.log`) : undefined;
  const fd = log ? openSync(log, "w") : undefined;
  const start = performance.now();
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? root,
    env,
    stdout: fd ?? "inherit",
    stderr: fd ?? "inherit",
    stdin: opts.stdin ?? "ignore",
  });
  const ok = (await proc.exited) === 0;
  const seconds = (performance.now() - start) / 1000;
  let detail: string | undefined;
  if (fd !== undefined && log) {
    closeSync(fd);
    console.log(`${title}  (${seconds.toFixed(0)} s, ran beside the other lane)`);
    const output = readFileSync(log, "utf8");
    process.stdout.write(output);
    if (!ok) detail = failedTests(output);
  }
  outcomes.push({ name, status: ok ? "passed" : "failed", seconds, ...(detail ? { detail } : {}) });
  return ok;
}

/**
 * A failed journey shows the browser's side; the edge's and the platform's own errors say why a request
 * failed (CI keeps no files), so their last warnings and errors are printed with the failure.
 */
function printServerErrors(dir: string): void {
  for (const name of ["caddy", "platform"]) {
    const file = join(dir, `${name}.log`);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /"level":"(warn|error|fatal)"/.test(line) && !line.includes("OCSP"));
    console.log(
      `\n━━ e2e/.logs/${name}.log: last ${Math.min(lines.length, 40)} of ${lines.length} warnings and errors`,
    );
    for (const line of lines.slice(-40)) console.log(line.slice(0, 600));
  }
}

function notRun(name: string, why: string): void {
  outcomes.push({ name, status: ci ? "failed" : "not run", detail: why });
}

await run("typecheck", ["bunx", "tsc", "--noEmit", "-p", "tsconfig.json"]);
await run("lint", ["bunx", "biome", "ci", "."]);
// The OpenAPI document built from the contract, against redocly.yaml (offline, no telemetry): 0 errors.
await run("openapi lint", ["bun", "scripts/contracts/lint.ts"]);
// The browser client's types are generated from the contract: a stale copy would let a page send what the
// service refuses, so it fails the build (`bun run contracts:generate` refreshes it).
await run("contract: generated client up to date", ["bun", "run", "contracts:check"]);

if (missingServers.length > 0) {
  console.log(
    `\nno server for ${missingServers.join(", ")}: suites needing it run on embedded adapters only`,
  );
  notRun("real-server suites", `no server for ${missingServers.join(", ")}`);
}
// Line coverage is measured by these very runs (no second pass): the floors are checked after the suites.
const coverageDir = mkdtempSync(join(tmpdir(), "coverage-"));
const serverBinaries =
  ["redis-server", "rabbitmq-server"].every((b) => Bun.which(b, { PATH: `${process.env.PATH}:/usr/sbin` })) &&
  new Bun.Glob("/usr/lib/postgresql/*/bin/initdb").scanSync({ absolute: true }).next().done === false;

/** bun's suites: they wait on the real servers and on timers about as much as they compute. */
async function bunLane(): Promise<void> {
  await run(
    "bun test (packages, services, scripts, infra, bench)",
    [
      "bun",
      "test",
      "--timeout",
      "60000",
      ...bunCoverageFlags(coverageDir),
      "./packages",
      "./services",
      "./scripts",
      "./infra",
      "./bench",
    ],
    { quiet: true },
  );
}

/**
 * Beside them (CI's budget, docs/quality.md): metrics names, the frontends' typecheck and tests, then the
 * chaos suite, which starts private Postgres, Redis and RabbitMQ nodes of its own (the Debian binaries), so
 * it never disturbs the shared servers the other lane uses.
 */
async function otherLane(): Promise<void> {
  const promtool = Bun.which("promtool");
  if (promtool) {
    const dump = Bun.spawn(["bun", "packages/service-kit/scripts/dump-metrics.ts"], {
      cwd: root,
      env,
      stdout: "pipe",
    });
    const text = await new Response(dump.stdout).text();
    await run("promtool check metrics", [promtool, "check", "metrics"], {
      stdin: new Blob([text]),
      quiet: true,
    });
  } else {
    notRun("promtool check metrics", "promtool not installed (apt-get install prometheus)");
  }
  if (existsSync(`${root}frontends/shell/package.json`)) {
    await run("typecheck (frontends)", ["bun", "run", "typecheck:frontends"], { quiet: true });
    for (const app of FRONTENDS)
      await run(`frontend tests (vitest, ${app})`, vitestCommand(app, coverageDir), {
        cwd: join(root, "frontends", app),
        quiet: true,
      });
  }
  if (serverBinaries) {
    await run("chaos (short)", ["bun", "test", "--timeout", "600000", "./e2e/chaos"], { quiet: true });
  } else {
    notRun("chaos (short)", "needs the Debian server binaries (postgresql, redis-server, rabbitmq-server)");
  }
}

console.log(
  "\n━━ two lanes at once: bun's suites | metrics, frontends, chaos (each suite printed when it ends)",
);
await Promise.all([bunLane(), otherLane()]);

if (existsSync(`${root}frontends/shell/package.json`)) {
  // Every package ≥ 70 % of lines and at or above its recorded floor (scripts/test-coverage/floors.json).
  const rows = tally(coverageDir);
  console.log(`\n━━ line coverage\n${coverageTable(rows)}`);
  const below = failuresOf(rows);
  outcomes.push({
    name: "line coverage floors",
    status: below.length === 0 ? "passed" : "failed",
    ...(below.length > 0 ? { detail: below.join("; ") } : {}),
  });
}
rmSync(coverageDir, { recursive: true, force: true });
rmSync(logDir, { recursive: true, force: true });
// Playwright needs Debian's Chromium, and its edge journeys Caddy; both are installed by .ci/run.
const chromium = existsSync("/usr/bin/chromium");
if (chromium && Bun.which("caddy")) {
  const ok = await run("e2e: journeys, fuzzing, security (Playwright)", ["bun", "run", "e2e"]);
  if (!ok) printServerErrors(join(root, "e2e", ".logs"));
} else {
  notRun("e2e (Playwright)", "needs /usr/bin/chromium and caddy (apt-get install chromium caddy)");
}

console.log("\n━━ summary");
// Each suite's time, so CI's budget (docs/quality.md) shows where it goes.
for (const o of outcomes) {
  const time = o.seconds === undefined ? "" : `${o.seconds.toFixed(0)} s`;
  console.log(`  ${o.status.padEnd(8)} ${time.padStart(6)}  ${o.name}${o.detail ? ` — ${o.detail}` : ""}`);
}
const passed = outcomes.filter((o) => o.status === "passed").length;
const failed = outcomes.filter((o) => o.status === "failed").length;
console.log(`suites: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
