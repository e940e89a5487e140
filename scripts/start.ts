/**
 * `bun run start` / `bun run dev`: the whole platform in one Bun process. Every `services/<name>/src/server.ts`
 * is found and started on its own port (the in-process bus of the embedded default needs one process);
 * with REDIS_URL / RABBITMQ_URL / <SERVICE>_DATABASE_URL set the same services use the real servers.
 */

import {
  createSharedInfra,
  loadInfraEnv,
  type RunningService,
  type ServiceDefinition,
} from "@payments/platform";
import { createLogger, createShutdown, type Shutdown } from "@payments/service-kit";
import { Glob } from "bun";
import { type EdgeOutcome, loadEdgeConfig, startEdge } from "./caddy.ts";

const root = new URL("..", import.meta.url).pathname;

/** Newest modification time (ms) of the files matching `pattern` under the repo, 0 when none. */
async function newest(pattern: string): Promise<number> {
  let max = 0;
  for await (const file of new Glob(pattern).scan({ cwd: root, onlyFiles: true })) {
    if (file.includes("node_modules/")) continue;
    max = Math.max(max, (await Bun.file(`${root}${file}`).stat()).mtimeMs);
  }
  return max;
}

/**
 * The gateway serves the built frontends, so the first start (or one after their sources changed) builds
 * them. A failed build is reported and the API still starts.
 */
async function buildFrontendsIfStale(): Promise<void> {
  const built = await newest("frontends/shell/dist/index.html");
  const sources = Math.max(
    await newest("frontends/*/{src,public}/**/*"),
    await newest("frontends/*/{index.html,vite.config.ts,package.json}"),
    // Build settings shared by every app (the shared Vite config and its plugins).
    await newest("frontends/{vite.shared.ts,tsconfig.json}"),
    await newest("frontends/{build,*/build}/**/*"),
    await newest("packages/{ui,api-client,contracts}/src/**/*"),
  );
  if (built > 0 && built >= sources) return;
  console.log("building the frontends (first start, or their sources changed)…");
  const build = Bun.spawn(["bun", "run", "build:frontends"], { cwd: root, stdout: "ignore", stderr: "pipe" });
  if ((await build.exited) !== 0) {
    const output = await new Response(build.stderr).text();
    console.error(`frontend build failed; starting the API without the web app:\n${output.slice(-2000)}`);
  }
}

async function discover(): Promise<ServiceDefinition[]> {
  const found: ServiceDefinition[] = [];
  for await (const file of new Glob("services/*/src/server.ts").scan({ cwd: root })) {
    const mod: { service?: ServiceDefinition } = await import(`${root}${file}`);
    if (!mod.service) throw new Error(`${file} does not export \`service\``);
    found.push(mod.service);
  }
  return found;
}

/** Orders services so each starts after those it names in `after` (when they exist). */
function startOrder(services: ServiceDefinition[]): ServiceDefinition[] {
  const names = new Set(services.map((s) => s.name));
  const ordered: ServiceDefinition[] = [];
  const placed = new Set<string>();
  while (ordered.length < services.length) {
    const next = services.find(
      (s) => !placed.has(s.name) && (s.after ?? []).every((dep) => placed.has(dep) || !names.has(dep)),
    );
    if (!next) throw new Error("services have a cycle in their `after` lists");
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/**
 * `bun --hot` re-runs this module on every save, in the same process. The previous run's databases,
 * bus and servers must be closed first (two PGlite instances on one data dir would corrupt it), and the
 * signal handlers must stop whichever run is current, so both live on globalThis.
 */
const hot = globalThis as {
  platformShutdown?: Shutdown;
  platformSignals?: boolean;
  platformEdge?: EdgeOutcome;
};
if (hot.platformShutdown) await hot.platformShutdown.run("hot reload");
else await buildFrontendsIfStale();

const logger = createLogger({ service: "runner" });
const shutdown = createShutdown(logger);
hot.platformShutdown = shutdown;
if (!hot.platformSignals) {
  hot.platformSignals = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void hot.platformShutdown
        ?.run(signal)
        .then(() =>
          hot.platformEdge && "edge" in hot.platformEdge ? hot.platformEdge.edge.stop() : undefined,
        )
        .then(() => process.exit(0));
    });
  }
}
const infra = await createSharedInfra(loadInfraEnv(), logger, shutdown, { deferReady: true });
const running = new Map<string, RunningService>();
for (const service of startOrder(await discover())) {
  running.set(service.name, await service.start(infra, running));
}
// Every service listens: outbox relays start now, so events left by a seed or a crash are drained by a
// platform that already answers, in batches paced by the consumers (docs/operations.md, "Starting on a full outbox").
infra.markReady();

const gateway = running.get("gateway");
const direct = gateway ? `http://localhost:${gateway.port}` : undefined;
// Caddy starts once and survives hot reloads: the gateway comes back on the same port.
if (gateway && !hot.platformEdge)
  hot.platformEdge = await startEdge(loadEdgeConfig(), gateway.port, process.cwd());
const edge = hot.platformEdge && "edge" in hot.platformEdge ? hot.platformEdge.edge : undefined;
const lines = [
  "",
  `  Payments platform is up: ${edge?.url ?? direct ?? "(no gateway)"}`,
  ...(edge && direct
    ? [
        `    (HTTPS through Caddy; its local CA is ${edge.rootCert} — trust it, or accept the browser's warning;`,
        `     the gateway itself: ${direct})`,
      ]
    : []),
  ...(hot.platformEdge && "skipped" in hot.platformEdge
    ? [`    (no HTTPS edge: ${hot.platformEdge.skipped})`]
    : []),
  "",
  ...[...running.values()].map((s) => `    ${s.name.padEnd(10)} ${s.url}`),
  "",
  ...infra.describe().map((line) => `    ${line}`),
  "",
];
console.log(lines.join("\n"));
