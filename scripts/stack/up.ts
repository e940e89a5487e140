/**
 * `bun run stack [--images auto|registry|local] [--https-port N] …`: the compose stack on this machine's
 * Docker engine, every container healthy. Where no registry answers, local base images are built first
 * (scripts/stack/images.ts; cached, so a second run reuses them). The stack joins a bridge network this
 * script creates with an explicit subnet; host ports are published on 127.0.0.1 only.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ALERTING, CORE_SERVICES, composeArgs, envFile, OBSERVABILITY, writeEnvFile } from "./compose.ts";
import { parseSettings, readState, root, type StackSettings, writeState } from "./config.ts";
import {
  capture,
  composeCommand,
  composeEnv,
  engineUp,
  imagePresent,
  projectObjects,
  run,
  since,
  tryPull,
} from "./docker.ts";
import { waitHealthy } from "./health.ts";
import { buildLocalImages, upstreamImages } from "./images.ts";

type ImageMode = "auto" | "registry" | "local";

const total = performance.now();
const { settings, rest } = parseSettings(Bun.argv.slice(2));
const modeFlag = rest.find((a) => a.startsWith("--images="))?.split("=")[1] ?? "auto";
if (!["auto", "registry", "local"].includes(modeFlag))
  throw new Error(`--images=${modeFlag}: auto|registry|local`);
const mode = modeFlag as ImageMode;

function phase(name: string): () => void {
  const start = performance.now();
  console.log(`\n==> ${name}`);
  return () => console.log(`<== ${name}: ${since(start)}`);
}

/** Every ref present locally, or pullable; stops at the first that is neither (no registry here). */
async function available(refs: string[]): Promise<boolean> {
  for (const ref of refs) {
    if (await imagePresent(ref)) continue;
    console.log(`  pulling ${ref}…`);
    if (!(await tryPull(ref))) {
      console.log(`  ${ref}: not present and no registry answered`);
      return false;
    }
  }
  return true;
}

async function ensureNetwork(s: StackSettings): Promise<void> {
  const inspect = await capture([
    "docker",
    "network",
    "inspect",
    "--format",
    "{{json .IPAM.Config}}",
    s.network,
  ]);
  if (inspect.code === 0) {
    if (!inspect.stdout.includes(`"${s.subnet}"`)) {
      throw new Error(
        `network ${s.network} exists with another subnet (${inspect.stdout.trim()}); \`bun run stack:down\` removes it`,
      );
    }
    console.log(`  network ${s.network} (${s.subnet}) exists`);
    return;
  }
  await run([
    "docker",
    "network",
    "create",
    "--driver",
    "bridge",
    "--subnet",
    s.subnet,
    "--label",
    `payments.stack=${s.project}`,
    s.network,
  ]);
  console.log(`  network ${s.network} created (${s.subnet})`);
}

let done = phase("Docker engine and compose");
if (!(await engineUp())) {
  throw new Error("no Docker engine answers (`docker info`): start dockerd, see docs/operations.md");
}
const compose = await composeCommand();
console.log(`  compose: ${compose.join(" ")}`);
const previous = readState();
if (previous && previous.settings.project !== settings.project) {
  console.log(`  note: another stack (${previous.settings.project}) was started from here before`);
}
done();

done = phase("Base images");
const upstream = upstreamImages();
let imageSource: "registry" | "local" = mode === "local" ? "local" : "registry";
if (mode === "auto") imageSource = (await available(upstream.core)) ? "registry" : "local";
if (mode === "registry" && !(await available(upstream.core))) {
  throw new Error("--images=registry, but the upstream images cannot be had");
}
let images: Record<string, string> = {};
if (imageSource === "local") {
  console.log("  no registry: building local stand-ins (ADR 0013)");
  images = await buildLocalImages();
}
const observability = imageSource === "registry" && (await available(upstream.observability));
// The local stand-ins include Alertmanager and the exporters (Debian packages them): the alerting profile.
const alerting = observability || imageSource === "local";
const profiles = observability ? ["observability"] : alerting ? ["alerting"] : [];
const skipped = OBSERVABILITY.filter((name) => !observability && !(alerting && ALERTING.includes(name)));
if (skipped.length > 0) {
  console.log(
    `  leaving out ${skipped.join(", ")} (observability profile): their images cannot be had here` +
      (imageSource === "local" ? " (no registry, and no Debian package)" : ""),
  );
}
done();

done = phase("Network and env file");
// Postgres and RabbitMQ take their passwords from the env file only when their data volume is empty. New
// passwords beside the volumes of a stack started elsewhere would lock every service out (RabbitMQ's
// definitions load fails with 401, the services cannot sign in to Postgres): say so before starting.
if (!existsSync(envFile)) {
  const volumes = await projectObjects("volume", settings.project);
  if (volumes.length > 0) {
    throw new Error(
      `the data volumes of a stack named ${settings.project} exist (${volumes.join(", ")}), but this ` +
        "checkout has no .stack/stack.env with the passwords they were made with. Copy .stack/stack.env " +
        "from the checkout that started it, or delete them with `bun run stack:down --volumes` (their " +
        "data goes), or start another stack with --project=<name>",
    );
  }
}
await ensureNetwork(settings);
writeEnvFile(settings, images, observability);
console.log(`  ${envFile}`);
done();

const args = composeArgs(compose, settings.project, profiles);
done = phase("Build the platform's images (classic builder)");
await run([...args, "build"], { env: composeEnv() });
done();

done = phase("Start the containers");
await run([...args, "up", "-d", "--remove-orphans", "--scale", "gateway=2"], { env: composeEnv() });
done();

done = phase("Wait until every container is healthy");
const expected = [...Object.keys(CORE_SERVICES), ...OBSERVABILITY.filter((name) => !skipped.includes(name))];
const containers = await waitHealthy(settings.project, expected, 6 * 60_000);
for (const c of containers.sort((a, b) => a.name.localeCompare(b.name))) {
  console.log(`  ${c.name.padEnd(40)} ${c.state === "running" ? c.health : `${c.state} (${c.exitCode})`}`);
}
done();

writeState({
  settings,
  imageSource,
  skipped,
  compose: args,
  envFile,
  startedAt: new Date().toISOString(),
});
console.log(`
The stack is up (${imageSource} base images) in ${since(total)}:
  https://localhost:${settings.ports.https}     the app (Caddy's local CA: \`bun run stack:test\` extracts it)
  http://127.0.0.1:${settings.ports.prometheus}        Prometheus
  http://127.0.0.1:${settings.ports.rabbitmqManagement}       RabbitMQ management
Compose by hand: ${args.map((a) => (a.startsWith(root) ? join(".", a.slice(root.length)) : a)).join(" ")} ps
Stop: bun run stack:down (keeps the data volumes; --volumes deletes them)`);
