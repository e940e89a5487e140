import { z } from "zod";
import { DEFAULT_RELEASE } from "../sentry/release.ts";

/**
 * Variables every service reads. Services extend it with their own:
 * `const Env = commonEnv.extend({ PORT: z.coerce.number().int().default(3001) })`.
 */
export const commonEnv = z.object({
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * Share of the traces that start in this service to record, 0–1; requests that bring a `traceparent`
   * follow their caller's decision (parent-based, ADR 0026). Unset: every trace (development, tests);
   * production sets 0.1 (infra/k8s/base/config.yaml).
   */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  SENTRY_DSN: z.url().optional(),
  /**
   * The release every Sentry event names (backend and frontend: build the frontends with the same
   * `VITE_RELEASE`; their source maps are uploaded under it). Sentry's rules: no slash, newline or tab.
   */
  SENTRY_RELEASE: z
    .string()
    .max(200)
    .regex(/^[^/\\\n\t]+$/, "no slash, backslash, newline or tab")
    .default(DEFAULT_RELEASE),
});

/** The parsed {@link commonEnv}. */
export type CommonEnv = z.infer<typeof commonEnv>;

/** Result of {@link tryParseConfig}. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Validates `env` against `schema`. Empty strings count as unset, because `FOO=` in an env file or a
 * compose file means "not configured", and an optional URL should not fail on it.
 */
export function tryParseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): ConfigResult<z.infer<S>> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: describeIssues(result.error.issues, cleaned) };
}

/**
 * Parses the service's configuration once at start. On failure it prints one readable message naming
 * every bad or missing variable and exits with code 1: a service that cannot be configured must not
 * half-start and fail later on the first request.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  service: string,
): z.infer<S> {
  const result = tryParseConfig(schema, env);
  if (result.ok) return result.value;
  process.stderr.write(`${service}: invalid configuration\n${result.message}\n`);
  process.exit(1);
}

function describeIssues(issues: readonly z.core.$ZodIssue[], env: Record<string, string>): string {
  const lines = issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(environment)";
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    // A missing required variable reads better as "missing" than as zod's "expected string, received undefined".
    if (issue.code === "invalid_type" && value === undefined && issue.path.length > 0) {
      return `  - ${name}: missing (required)`;
    }
    return `  - ${name}: ${issue.message}`;
  });
  return lines.join("\n");
}
