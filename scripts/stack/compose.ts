/**
 * The compose invocation of the stack: its env file (secrets made once and kept, so the data volumes stay
 * readable across runs; ports; image names) and the command line both compose versions accept.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, type StackSettings, stackDir } from "./config.ts";

/** The env file `bun run stack` gives compose (`--env-file`), in .stack/ (git-ignored). */
export const envFile = join(stackDir, "stack.env");

/** Compose services of the observability profile. */
export const OBSERVABILITY = ["alertmanager", "grafana", "jaeger", "postgres-exporter", "redis-exporter"];

/**
 * The part of it in the alerting profile too: where alerts go and what the data stores export. Debian
 * packages them, so the local stand-ins include them and the stack runs them even where no registry answers
 * (only Grafana and Jaeger are left out then).
 */
export const ALERTING = ["alertmanager", "postgres-exporter", "redis-exporter"];

/** Services compose starts by default, with the number of containers each must have. */
export const CORE_SERVICES: Record<string, number> = {
  postgres: 1,
  redis: 1,
  rabbitmq: 1,
  "rabbitmq-definitions": 1,
  auth: 1,
  payments: 1,
  admin: 1,
  profile: 1,
  gateway: 2,
  caddy: 1,
  prometheus: 1,
};

const SECRETS: Record<string, () => string> = {
  POSTGRES_PASSWORD: () => randomBytes(24).toString("hex"),
  RABBITMQ_PASSWORD: () => randomBytes(24).toString("hex"),
  GRAFANA_ADMIN_PASSWORD: () => randomBytes(24).toString("hex"),
  AUTH_KEY_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
};

function readEnvFile(path: string): Map<string, string> {
  if (!existsSync(path)) return new Map();
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] ?? "", m[2] ?? ""] as const);
  return new Map(entries);
}

/** Writes the env file: kept secrets (or new ones), this run's ports, origins and image variables. */
export function writeEnvFile(
  settings: StackSettings,
  images: Record<string, string>,
  observability: boolean,
): Map<string, string> {
  const previous = readEnvFile(envFile);
  const env = new Map<string, string>();
  for (const [name, make] of Object.entries(SECRETS)) env.set(name, previous.get(name) || make());
  const origin = `https://localhost:${settings.ports.https}`;
  const values: Record<string, string> = {
    STACK_NETWORK: settings.network,
    STACK_POSTGRES_PORT: String(settings.ports.postgres),
    HTTPS_PORT: String(settings.ports.https),
    HTTP_PORT: String(settings.ports.http),
    PROMETHEUS_PORT: String(settings.ports.prometheus),
    RABBITMQ_MANAGEMENT_PORT: String(settings.ports.rabbitmqManagement),
    RABBITMQ_AMQP_PORT: String(settings.ports.rabbitmqAmqp),
    GRAFANA_PORT: String(settings.ports.grafana),
    JAEGER_UI_PORT: String(settings.ports.jaeger),
    // Browsers reach the edge on this port, so that is the origin the gateway and auth must accept.
    GATEWAY_ALLOWED_ORIGINS: origin,
    AUTH_ALLOWED_ORIGINS: origin,
    // No Jaeger without the observability profile: the services then export no traces at all.
    ...(observability ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: "" }),
    ...images,
  };
  for (const [k, v] of Object.entries(values)) env.set(k, v);
  mkdirSync(stackDir, { recursive: true });
  const text = [...env.entries()].map(([k, v]) => `${k}=${v}`).join("\n");
  writeFileSync(
    envFile,
    `# Written by bun run stack (scripts/stack/compose.ts); secrets are kept across runs.\n${text}\n`,
    {
      mode: 0o600,
    },
  );
  return env;
}

/** `<compose> -p <project> [--profile …] --env-file … -f docker-compose.yml -f scripts/stack/compose.stack.yml`. */
export function composeArgs(compose: string[], project: string, profiles: readonly string[]): string[] {
  return [
    ...compose,
    "-p",
    project,
    "--env-file",
    envFile,
    "-f",
    join(root, "docker-compose.yml"),
    "-f",
    join(root, "scripts/stack/compose.stack.yml"),
    ...profiles.flatMap((profile) => ["--profile", profile]),
  ];
}
