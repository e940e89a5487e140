import { parseConfig } from "@payments/service-kit";
import { z } from "zod";

/**
 * Environment shared by every process: which real servers to use. Unset means the embedded default
 * (ARCHITECTURE §2). Per-service settings (ports, database URLs) live in each service's own config.ts.
 */
export const infraEnv = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RABBITMQ_URL: z.url({ protocol: /^amqps?$/ }).optional(),
  /** Also read here: the shared bus records its publish/process spans with the process's own tracer. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The same share of new traces the services record (ADR 0026): a relay's own root spans follow it too. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /**
   * Postgres settings of the embedded PGlite databases over the platform's small defaults (ADR 0025), as
   * `name=value,name=value`, e.g. `shared_buffers=128MB` (PGlite's own, which bench/start runs as "before").
   * No effect on a service with a `<SERVICE>_DATABASE_URL`.
   */
  EMBEDDED_DB_SETTINGS: z
    .string()
    .regex(/^\s*[a-z_]+\s*=\s*[^,=\s]+\s*(,\s*[a-z_]+\s*=\s*[^,=\s]+\s*)*$/, "name=value,name=value")
    .transform((text) =>
      Object.fromEntries(text.split(",").map((pair) => pair.split("=").map((part) => part.trim()))),
    )
    .optional(),
});

export type InfraEnv = z.infer<typeof infraEnv>;

/** Parses the infrastructure variables from the process environment; exits with a readable message if bad. */
export function loadInfraEnv(env: Record<string, string | undefined> = process.env): InfraEnv {
  return parseConfig(infraEnv, env, "platform");
}
