/**
 * The containers of a compose project as Docker sees them, and waiting for all of them to be healthy.
 * Read from `docker inspect` rather than from compose, whose output differs between v1 and v2.
 */
import { capture } from "./docker.ts";

/** One container of the stack. */
export interface StackContainer {
  id: string;
  name: string;
  /** Compose service name (`gateway` for both gateway replicas). */
  service: string;
  /** running, exited, restarting… */
  state: string;
  exitCode: number;
  /** healthy, unhealthy, starting, or "none" when the image has no health check. */
  health: string;
  /** The container's address on the stack network. */
  ip: string;
}

interface Inspected {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> };
  State: { Status: string; ExitCode: number; Health?: { Status: string } };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

/** Every container of the project, running or not. */
export async function projectContainers(project: string): Promise<StackContainer[]> {
  const ids = await capture([
    "docker",
    "ps",
    "-aq",
    "--filter",
    `label=com.docker.compose.project=${project}`,
  ]);
  const list = ids.stdout.split("\n").filter(Boolean);
  if (list.length === 0) return [];
  const out = await capture(["docker", "inspect", ...list]);
  if (out.code !== 0) return [];
  return (JSON.parse(out.stdout) as Inspected[]).map((c) => ({
    id: c.Id.slice(0, 12),
    name: c.Name.replace(/^\//, ""),
    service: c.Config.Labels["com.docker.compose.service"] ?? "",
    state: c.State.Status,
    exitCode: c.State.ExitCode,
    health: c.State.Health?.Status ?? "none",
    ip: Object.values(c.NetworkSettings.Networks)[0]?.IPAddress ?? "",
  }));
}

/** One-shot jobs: done when they exited 0. */
const ONE_SHOT = new Set(["rabbitmq-definitions"]);

/** Why a container is not (yet) where it should be, or undefined when it is. */
export function notReady(c: StackContainer): string | undefined {
  if (ONE_SHOT.has(c.service)) {
    return c.state === "exited" && c.exitCode === 0 ? undefined : `${c.state} (exit ${c.exitCode})`;
  }
  if (c.state !== "running") return c.state;
  if (c.health !== "healthy") return c.health;
  return undefined;
}

/**
 * Waits until every container is healthy (one-shot jobs: exited 0) and `expected` services are all there;
 * returns the containers, or throws naming the ones that are not, with their last log lines.
 */
export async function waitHealthy(
  project: string,
  expected: string[],
  timeoutMs: number,
): Promise<StackContainer[]> {
  const deadline = Date.now() + timeoutMs;
  let last: StackContainer[] = [];
  for (;;) {
    last = await projectContainers(project);
    const present = new Set(last.map((c) => c.service));
    const missing = expected.filter((s) => !present.has(s));
    const pending = last.filter((c) => notReady(c) !== undefined);
    if (missing.length === 0 && pending.length === 0) return last;
    if (Date.now() > deadline) {
      const lines = [
        ...missing.map((s) => `${s}: no container`),
        ...pending.map((c) => `${c.name}: ${notReady(c)}`),
      ];
      for (const c of pending) {
        const logs = await capture(["docker", "logs", "--tail", "15", c.id]);
        lines.push(`── ${c.name} (last lines)\n${logs.stdout}${logs.stderr}`);
      }
      throw new Error(`not healthy after ${timeoutMs / 1000} s:\n${lines.join("\n")}`);
    }
    await Bun.sleep(2_000);
  }
}
