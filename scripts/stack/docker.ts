/**
 * Running docker and compose from the stack scripts. Builds go through the classic builder
 * (DOCKER_BUILDKIT=0): hosts with Debian's docker.io have no buildx, and the Dockerfiles need nothing more.
 */
import { root } from "./config.ts";

/** The environment every docker and compose call gets. */
export function dockerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Compose v1 builds through the docker CLI (not docker-py) so .dockerignore and build args behave alike.
  return { ...env, DOCKER_BUILDKIT: "0", COMPOSE_DOCKER_CLI_BUILD: "1", ...extra };
}

/**
 * The environment for compose itself: only what it needs to reach the engine. Compose lets the caller's
 * variables win over the env file, so a developer's exported LOG_LEVEL, OTEL_EXPORTER_OTLP_ENDPOINT or
 * *_URL would otherwise leak into the stack; with this, .stack/stack.env is the one source.
 */
export function composeEnv(): Record<string, string> {
  const keep = [
    "PATH",
    "HOME",
    "DOCKER_HOST",
    "DOCKER_CONFIG",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CONTEXT",
  ];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, DOCKER_BUILDKIT: "0", COMPOSE_DOCKER_CLI_BUILD: "1" };
}

/** Runs a command with its output shown; throws with the command line when it fails. */
export async function run(cmd: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? root,
    env: opts.env ?? dockerEnv(),
    stdout: "inherit",
    stderr: "inherit",
    stdin: "ignore",
  });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}`);
}

/** Runs a command quietly; returns its exit code and output. */
export async function capture(
  cmd: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; stdin?: Blob } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, {
    cwd: root,
    env: opts.env ?? dockerEnv(),
    stdout: "pipe",
    stderr: "pipe",
    stdin: opts.stdin ?? "ignore",
  });
  const timer = opts.timeoutMs ? setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs) : undefined;
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (timer) clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Whether a Docker engine answers. */
export async function engineUp(): Promise<boolean> {
  if (!Bun.which("docker")) return false;
  return (
    (await capture(["docker", "info", "--format", "{{.ServerVersion}}"], { timeoutMs: 15_000 })).code === 0
  );
}

/**
 * The compose command: the v2 plugin (`docker compose`) where installed, else Debian's docker-compose 1.29.
 * Both read the same file (it has no `name:` key, which 1.29 rejects; the project name is passed here).
 */
export async function composeCommand(): Promise<string[]> {
  if ((await capture(["docker", "compose", "version"], { timeoutMs: 15_000 })).code === 0) {
    return ["docker", "compose"];
  }
  if (Bun.which("docker-compose")) return ["docker-compose"];
  throw new Error("neither `docker compose` (v2) nor docker-compose (1.29) is installed");
}

/** Labels of a local image, or undefined when the image is not there. */
export async function imageLabels(ref: string): Promise<Record<string, string> | undefined> {
  const out = await capture(["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", ref]);
  if (out.code !== 0) return undefined;
  return (JSON.parse(out.stdout.trim() || "null") as Record<string, string> | null) ?? {};
}

/** Whether an image is present locally. */
export async function imagePresent(ref: string): Promise<boolean> {
  return (await capture(["docker", "image", "inspect", ref])).code === 0;
}

/** Tries to pull an image; false when no registry answers within the timeout. */
export async function tryPull(ref: string, timeoutMs = 120_000): Promise<boolean> {
  return (await capture(["docker", "pull", "-q", ref], { timeoutMs })).code === 0;
}

/** Seconds since `start` (a `performance.now()`), for the phase timings every command prints. */
export function since(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

/**
 * Containers (`ps -a`) or volumes compose made for a project, found by the label compose puts on them, so a
 * checkout without the .stack/ of the one that started the stack can still find (and remove) them.
 */
export async function projectObjects(kind: "container" | "volume", project: string): Promise<string[]> {
  const filter = `label=com.docker.compose.project=${project}`;
  const cmd =
    kind === "container"
      ? ["docker", "ps", "-aq", "--filter", filter]
      : ["docker", "volume", "ls", "-q", "--filter", filter];
  const out = await capture(cmd);
  if (out.code !== 0) throw new Error(`${cmd.join(" ")}: ${out.stderr.trim()}`);
  return out.stdout.split("\n").filter((line) => line.trim() !== "");
}
