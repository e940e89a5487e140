import { createQueryMetrics } from "@payments/service-kit";
import type { OpenDatabaseOptions } from "../database/types.ts";
import type { QueryInstruments } from "./instrument.ts";

/** The instruments an opened database records with, from its options. */
export function instrumentsOf(
  opts: Pick<OpenDatabaseOptions<Record<string, unknown>>, "tracer" | "registry">,
  namespace: string,
): QueryInstruments {
  return {
    tracer: opts.tracer,
    metrics: opts.registry ? createQueryMetrics(opts.registry) : undefined,
    namespace,
  };
}
