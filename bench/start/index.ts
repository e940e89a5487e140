/**
 * `bun run bench start`: how `bun run start` (the embedded default, one process) sits idle, and how it comes
 * up after `bun run seed:payments` left a full outbox. In a scratch directory: a first start initialises the
 * four PGlite databases (and builds the frontends if they are stale) and stops. Then, for each variant (the
 * embedded databases with PGlite's own settings, "before", and with the platform's, "after": ADR 0025) on
 * its own copy of those databases: an idle start, sampled for IDLE_SECONDS once ready. The seed then writes
 * BENCH_SEED_PAYMENTS payments over 90 days once, and each variant starts on its own copy of the seeded
 * databases: when the gateway's /health/ready first answers 200, when every seeded event has been published
 * and applied by admin, and the process's peak resident set (VmHWM). Targets (issues 18 and 21): idle RSS
 * ≤ 400 MB; after the seed ready ≤ 15 s, peak RSS ≤ 1 GB.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@payments/testing";
import { atMost, chartOf, writeFigures } from "../lib/figures.ts";
import { textTable } from "../lib/text-table.ts";

const root = new URL("../..", import.meta.url).pathname;
const SEED_PAYMENTS = Number(process.env.BENCH_SEED_PAYMENTS ?? 800);
const SERVICES = ["auth", "payments", "admin", "profile"] as const;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const scratch = mkdtempSync(join(tmpdir(), "bench-start-"));
/** The databases of the measured starts: `base` (first start, then seeded), copied per variant and step. */
const base = join(scratch, "base");

/** The embedded databases' settings compared: PGlite's own (a server's buffer pool) and the platform's. */
const VARIANTS = [
  {
    name: "before",
    about: "PGlite's own settings (shared_buffers 128MB, maintenance_work_mem 64MB)",
    env: { EMBEDDED_DB_SETTINGS: "shared_buffers=128MB,maintenance_work_mem=64MB" },
  },
  { name: "after", about: "the platform's settings (ADR 0025)", env: {} },
] as const;

/** The platform's environment: embedded adapters in `dir`, fresh ports, no edge. */
async function platformEnv(
  dir: string,
): Promise<{ env: Record<string, string>; ports: Record<string, number> }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.endsWith("_URL") || key.endsWith("_PORT")) continue;
    env[key] = value;
  }
  const ports: Record<string, number> = { gateway: await freePort() };
  for (const s of SERVICES) {
    ports[s] = await freePort();
    env[`${s.toUpperCase()}_DATA_DIR`] = join(dir, s);
  }
  for (const [name, port] of Object.entries(ports)) env[`${name.toUpperCase()}_PORT`] = String(port);
  Object.assign(env, { PLATFORM_EDGE: "off", LOG_LEVEL: "warn", MAILBOX_DIR: join(dir, "mailbox") });
  return { env, ports };
}

let { env, ports } = await platformEnv(base);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ready(): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${ports.gateway}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

/** Sum of a Prometheus counter over the lines matching `labels`, from every service's /metrics. */
async function counter(name: string, labels: RegExp): Promise<number> {
  let sum = 0;
  for (const port of Object.values(ports)) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`)
      .then((r) => r.text())
      .catch(() => "");
    for (const line of text.split("\n")) {
      if (!line.startsWith(`${name}{`) || !labels.test(line)) continue;
      sum += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
    }
  }
  return sum;
}

function memory(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

async function stop(proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  proc.kill("SIGTERM");
  const exited = await Promise.race([proc.exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!exited) proc.kill("SIGKILL");
}

function startPlatform(extra: Record<string, string> = {}) {
  return Bun.spawn([process.execPath, "scripts/start.ts"], {
    cwd: root,
    env: { ...env, ...extra },
    stdout: "ignore",
    stderr: "pipe",
  });
}

/** Points the platform at a fresh copy of the base databases (each measured start begins from the same state). */
async function useCopy(name: string): Promise<void> {
  const dir = join(scratch, name);
  cpSync(base, dir, { recursive: true });
  ({ env, ports } = await platformEnv(dir));
}

/** Waits for /health/ready; a first start (four initdb runs, maybe a frontend build) may take minutes. */
async function untilReady(
  proc: ReturnType<typeof Bun.spawn>,
  what: string,
  limitMs = 240_000,
): Promise<void> {
  for (const deadline = Date.now() + limitMs; !(await ready()); await sleep(250)) {
    if (Date.now() <= deadline) continue;
    await stop(proc);
    throw new Error(`${what} never became ready`);
  }
}

// 1. First start: databases created and migrated, frontends built if stale. Only its peak is noted.
const first = startPlatform();
await untilReady(first, "the first start", 900_000);
const firstPeak = memory(first.pid).hwm;
await stop(first);

// 2. Idle: each variant on its own copy of the new databases, RSS sampled every second once ready.
const idle = new Map<string, { mean: number; max: number }>();
for (const variant of VARIANTS) {
  await useCopy(`idle-${variant.name}`);
  const platform = startPlatform(variant.env);
  await untilReady(platform, `the idle start (${variant.name})`);
  const rss: number[] = [];
  for (let i = 0; i < IDLE_SECONDS; i++, await sleep(1000)) rss.push(memory(platform.pid).rss);
  await stop(platform);
  idle.set(variant.name, { mean: rss.reduce((a, b) => a + b, 0) / rss.length, max: Math.max(...rss) });
}
({ env, ports } = await platformEnv(base));

// 3. The seed, as a person runs it, once.
const seed = Bun.spawn([process.execPath, "services/payments/src/seed.ts"], {
  cwd: root,
  env: { ...env, SEED_PAYMENTS: String(SEED_PAYMENTS), SEED_DAYS: "90" },
  stdout: "pipe",
  stderr: "pipe",
});
const seedOut = await new Response(seed.stdout).text();
if ((await seed.exited) !== 0) throw new Error(`seed failed: ${await new Response(seed.stderr).text()}`);
const seeded = /Created (\d+) payments and (\d+) refunds/.exec(seedOut);

// 4. The measured start after the seed, per variant on its own copy of the seeded databases.
interface AfterSeed {
  readyAt?: number;
  drainedAt?: number;
  rssAtReady: number;
  peak: number;
  events: number;
}
const published = () => counter("outbox_published_total", /service="payments"/);
const applied = () => counter("events_consumed_total", /queue="admin".*outcome="(ack|success|handled)"/);

async function startAfterSeed(extra: Record<string, string>): Promise<AfterSeed> {
  const started = performance.now();
  const platform = startPlatform(extra);
  const out: AfterSeed = { rssAtReady: 0, peak: 0, events: 0 };
  let caughtUpAt: number | undefined;
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (out.readyAt === undefined && (await ready())) {
      out.readyAt = (performance.now() - started) / 1000;
      out.rssAtReady = memory(platform.pid).rss;
    }
    if (out.readyAt !== undefined) {
      const [sent, inAdmin] = await Promise.all([published(), applied()]);
      const now = (performance.now() - started) / 1000;
      if (sent !== out.events) {
        out.events = sent;
        caughtUpAt = undefined;
      }
      // Admin has applied everything published so far; drained once nothing more is published for 3 s.
      if (sent > 0 && inAdmin >= sent) caughtUpAt ??= now;
      else caughtUpAt = undefined;
      if (caughtUpAt !== undefined && now - caughtUpAt >= 3) {
        out.drainedAt = caughtUpAt;
        break;
      }
    }
    await sleep(200);
  }
  out.peak = memory(platform.pid).hwm;
  await stop(platform);
  return out;
}

const afterSeed = new Map<string, AfterSeed>();
for (const variant of VARIANTS) {
  await useCopy(`seeded-${variant.name}`);
  afterSeed.set(variant.name, await startAfterSeed(variant.env));
}
rmSync(scratch, { recursive: true, force: true });

const fmt = (n: number | undefined, unit: string) => (n === undefined ? "—" : `${n.toFixed(1)} ${unit}`);
const events = Math.max(...[...afterSeed.values()].map((r) => r.events));
console.log(
  `bun run start, embedded default, one process; idle: ${IDLE_SECONDS} s sampled once ready on new databases; ` +
    `after the seed: ${seeded?.[1] ?? SEED_PAYMENTS} payments, ${seeded?.[2] ?? "?"} refunds, ${events} events\n`,
);
for (const v of VARIANTS) console.log(`${v.name}: ${v.about}`);
console.log(
  `(first start, creating the databases with the "after" settings: peak ${fmt(firstPeak, "MB")})\n`,
);
const both = (f: (name: string) => string) => VARIANTS.map((v) => f(v.name));
const seededFigure = (name: string) => afterSeed.get(name) ?? { rssAtReady: 0, peak: 0, events: 0 };
console.log(
  textTable(
    ["figure", ...VARIANTS.map((v) => v.name), "target"],
    [
      ["idle RSS, mean", ...both((n) => fmt(idle.get(n)?.mean, "MB")), "≤ 400 MB"],
      ["idle RSS, max", ...both((n) => fmt(idle.get(n)?.max, "MB")), "≤ 400 MB"],
      [
        "after the seed: ready (/health/ready 200)",
        ...both((n) => fmt(seededFigure(n).readyAt, "s")),
        "≤ 15 s",
      ],
      ["after the seed: events applied by admin", ...both((n) => fmt(seededFigure(n).drainedAt, "s")), "—"],
      ["after the seed: RSS at ready", ...both((n) => fmt(seededFigure(n).rssAtReady, "MB")), "—"],
      ["after the seed: peak RSS (VmHWM)", ...both((n) => fmt(seededFigure(n).peak, "MB")), "≤ 1,024 MB"],
    ],
    "numbers-right",
  ),
);
const seconds = chartOf("bun run start after the seed: time", "s");
const megabytes = chartOf("bun run start: memory", "MB");
await writeFigures(
  "start",
  VARIANTS.flatMap(({ name }) => {
    const r = seededFigure(name);
    const still = idle.get(name);
    return [
      ...(still ? [megabytes("idle (max)", name, still.max, atMost(400))] : []),
      megabytes("after the seed: peak", name, r.peak, atMost(1024)),
      megabytes("after the seed: at ready", name, r.rssAtReady),
      ...(r.readyAt === undefined ? [] : [seconds("ready", name, r.readyAt, atMost(15))]),
      ...(r.drainedAt === undefined ? [] : [seconds("outbox drained", name, r.drainedAt)]),
    ];
  }),
);
