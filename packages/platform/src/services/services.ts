import type { SharedInfra } from "../infra/infra.ts";

/** A service as the runner sees it once started. */
export interface RunningService {
  readonly name: string;
  readonly port: number;
  /** Base URL other processes use to reach it (the gateway's upstream). */
  readonly url: string;
}

/**
 * What every `services/<name>/src/server.ts` exports as `service`, so the embedded runner can find and
 * start it next to the others in one process, and the file can still start it alone.
 */
export interface ServiceDefinition {
  readonly name: string;
  /** Starts after the named services (the gateway needs its upstreams' URLs). */
  readonly after?: readonly string[];
  /**
   * `env`: where the service reads its settings from instead of the process environment (its `config.ts`
   * reads that when `env` is undefined) — so a test can start several services in one process, each with
   * its own settings, without changing the process's environment.
   */
  start(
    infra: SharedInfra,
    upstreams: ReadonlyMap<string, RunningService>,
    env?: Readonly<Record<string, string | undefined>>,
  ): Promise<RunningService>;
}
