/**
 * `bun run coverage`: line coverage of every workspace package, measured by the suites themselves —
 * `bun test --coverage` (LCOV) over packages/ and services/, and each frontend's vitest with the v8
 * provider (Istanbul JSON; the shell's run also covers @payments/api-client and @payments/ui). Prints the
 * per-package table and writes it into docs/quality.md (`--check`: prints only, as CI does). Exits 1 when a
 * package is under 70 % of lines or under the floor recorded in scripts/test-coverage/floors.json
 * (`--record` writes the current figures there, rounded down: the thresholds sit at the measured level).
 * The bun suites use the local Postgres, Redis and RabbitMQ as `bun run test` does (their URLs, or the
 * standard local ports).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  bunCoverageFlags,
  FRONTENDS,
  failuresOf,
  floorsFile,
  root,
  tally,
  vitestCommand,
} from "./measure.ts";
import { coverageTable, type Floors, percent, TARGET_PERCENT, writeSection } from "./report.ts";

const args = new Set(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), "coverage-"));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 500 });
    socket.once("connect", () => resolve(Boolean(socket.destroy()) || true));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => resolve(Boolean(socket.destroy()) && false));
  });
}

async function testEnv(): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = { ...process.env };
  const servers = [
    ["POSTGRES_URL", 5432, "postgres://postgres@127.0.0.1:5432/postgres"],
    ["REDIS_URL", 6379, "redis://127.0.0.1:6379"],
    ["RABBITMQ_URL", 5672, "amqp://guest:guest@127.0.0.1:5672"],
  ] as const;
  for (const [name, port, url] of servers) if (!env[name] && (await portOpen(port))) env[name] = url;
  return env;
}

async function run(name: string, cmd: string[], cwd: string, env: Record<string, string | undefined>) {
  const started = performance.now();
  console.log(`━━ ${name}: ${cmd.join(" ")}`);
  const child = Bun.spawn(cmd, { cwd, env, stdout: "ignore", stderr: "pipe" });
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  const summary = stderr.match(/^\s*\d+ (pass|fail)$/gm)?.join(", ") ?? "";
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`   exit ${code} in ${seconds} s ${summary}`);
  // Coverage is written even when a test fails; the figures stand, but the run says so.
  if (code !== 0)
    console.log(`   (tests failed: the coverage below includes only what ran)\n${stderr.slice(-1500)}`);
}

const env = await testEnv();
await run(
  "bun test --coverage",
  ["bun", "test", "--timeout", "60000", ...bunCoverageFlags(work), "./packages", "./services"],
  root,
  env,
);
for (const app of FRONTENDS)
  await run(`vitest --coverage (${app})`, vitestCommand(app, work), join(root, "frontends", app), env);
const rows = tally(work);
rmSync(work, { recursive: true, force: true });

const table = coverageTable(rows);
console.log(`\n${table}\n`);
if (args.has("--record")) {
  const floors: Floors = Object.fromEntries(rows.map((row) => [row.name, Math.floor(percent(row))]));
  writeFileSync(floorsFile, `${JSON.stringify(floors, null, 2)}\n`);
  console.log(`floors recorded in ${relative(root, floorsFile)}`);
}
if (!args.has("--check")) {
  const measured = `Measured ${new Date().toISOString().slice(0, 10)} by \`bun run coverage\` (lines; a file no test loads counts with every executable-looking line uncovered).`;
  writeSection(join(root, "docs", "quality.md"), `${measured}\n\n${table}`);
  console.log("docs/quality.md updated");
}
const failures = failuresOf(rows);
if (failures.length > 0) {
  console.error(`coverage below its thresholds:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`every package ≥ ${TARGET_PERCENT} % and at or above its recorded floor`);
