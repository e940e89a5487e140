/**
 * Where the container stack lives and what it is called: one place for `bun run stack`, `stack:down` and
 * `stack:test`. Settings are command-line flags, not environment variables, so the platform's own
 * configuration (.env.example, infra/test/env.test.ts) stays the services' alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Scratch space of the stack on this machine (git-ignored): env file, state, image build contexts. */
export const stackDir = join(root, ".stack");

/** What the stack needs to be found again by the other commands. */
export interface StackSettings {
  /** Compose project name (docker-compose 1.29 rejects the file's top-level `name:`). */
  project: string;
  /** The bridge network the script creates, with its subnet set explicitly. */
  network: string;
  subnet: string;
  /** Host ports, every one published on 127.0.0.1 only. */
  ports: {
    https: number;
    http: number;
    prometheus: number;
    postgres: number;
    rabbitmqManagement: number;
    rabbitmqAmqp: number;
    grafana: number;
    jaeger: number;
  };
}

/**
 * Defaults chosen away from what `bun run start` and the machine's own servers use (8443, 5432, 5672,
 * 15672, 9090), so the stack runs beside them.
 */
export const DEFAULT_SETTINGS: StackSettings = {
  project: "payments-stack",
  network: "payments-stack",
  subnet: "10.213.7.0/24",
  ports: {
    https: 9443,
    http: 9080,
    prometheus: 9091,
    postgres: 5434,
    rabbitmqManagement: 15673,
    rabbitmqAmqp: 5673,
    grafana: 3030,
    jaeger: 16686,
  },
};

const FLAGS: Record<string, (s: StackSettings, v: string) => void> = {
  "--project": (s, v) => {
    s.project = v;
  },
  "--network": (s, v) => {
    s.network = v;
  },
  "--subnet": (s, v) => {
    s.subnet = v;
  },
  "--https-port": (s, v) => {
    s.ports.https = portNumber(v);
  },
  "--http-port": (s, v) => {
    s.ports.http = portNumber(v);
  },
  "--prometheus-port": (s, v) => {
    s.ports.prometheus = portNumber(v);
  },
  "--postgres-port": (s, v) => {
    s.ports.postgres = portNumber(v);
  },
};

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`not a port: ${v}`);
  return n;
}

/** Settings from `--flag value` arguments over the defaults; unknown flags are returned in `rest`. */
export function parseSettings(argv: string[]): { settings: StackSettings; rest: string[] } {
  const settings: StackSettings = structuredClone(DEFAULT_SETTINGS);
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    const apply = FLAGS[flag];
    if (!apply) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    apply(settings, value);
  }
  return { settings, rest };
}

/** What `bun run stack` leaves for `stack:test` and `stack:down`. */
export interface StackState {
  settings: StackSettings;
  /** "registry": images from Docker Hub; "local": the stand-ins of scripts/stack/images.ts. */
  imageSource: "registry" | "local";
  /** Compose services that were left out (the observability profile when its images cannot be had). */
  skipped: string[];
  /** Compose command line prefix: the binary and its leading arguments. */
  compose: string[];
  /** The compose env file (secrets, ports, image names). */
  envFile: string;
  startedAt: string;
}

const stateFile = join(stackDir, "state.json");

/** Saves the state of a started stack. */
export function writeState(state: StackState): void {
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** The state of the stack `bun run stack` started, or undefined when there is none. */
export function readState(): StackState | undefined {
  if (!existsSync(stateFile)) return undefined;
  return JSON.parse(readFileSync(stateFile, "utf8")) as StackState;
}
