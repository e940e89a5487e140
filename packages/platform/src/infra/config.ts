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
});

export type InfraEnv = z.infer<typeof infraEnv>;

/** Parses the infrastructure variables from the process environment; exits with a readable message if bad. */
export function loadInfraEnv(env: Record<string, string | undefined> = process.env): InfraEnv {
  return parseConfig(infraEnv, env, "platform");
}
