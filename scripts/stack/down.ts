/**
 * `bun run stack:down [--volumes]`: stops and removes the stack's containers and the network
 * `bun run stack` created. Data volumes are kept unless --volumes is given; base images are always kept
 * (they are the cache that makes the next `bun run stack` fast).
 */
import { existsSync } from "node:fs";
import { composeArgs, envFile } from "./compose.ts";
import { parseSettings, readState } from "./config.ts";
import { capture, composeCommand, composeEnv, engineUp, projectObjects, run } from "./docker.ts";

const { settings: flags, rest } = parseSettings(Bun.argv.slice(2));
const state = readState();
const settings = state?.settings ?? flags;
const volumes = rest.includes("--volumes");

if (!(await engineUp())) throw new Error("no Docker engine answers (`docker info`)");
if (existsSync(envFile)) {
  const args = state?.compose ?? composeArgs(await composeCommand(), settings.project, []);
  await run([...args, "down", "--remove-orphans", ...(volumes ? ["--volumes"] : [])], { env: composeEnv() });
} else {
  // Started from another checkout (or its .stack/ was deleted): compose's labels still name what it made.
  const containers = await projectObjects("container", settings.project);
  if (containers.length > 0) await run(["docker", "rm", "-f", ...containers]);
  const found = volumes ? await projectObjects("volume", settings.project) : [];
  if (found.length > 0) await run(["docker", "volume", "rm", ...found]);
  console.log(
    `no .stack/stack.env here: removed ${containers.length} container(s)` +
      (volumes ? ` and ${found.length} volume(s)` : "") +
      ` labelled with project ${settings.project}`,
  );
}
// Only a network this script made (its label says so) is removed.
const label = await capture([
  "docker",
  "network",
  "inspect",
  "--format",
  '{{index .Labels "payments.stack"}}',
  settings.network,
]);
if (label.code === 0 && label.stdout.trim() === settings.project) {
  await run(["docker", "network", "rm", settings.network]);
  console.log(`network ${settings.network} removed`);
}
console.log(
  volumes
    ? "stack removed, with its data volumes"
    : "stack removed; data volumes kept (--volumes deletes them)",
);
