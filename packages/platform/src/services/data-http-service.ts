import { type DatabaseConfig, type DataService, databaseSettings, startDataService } from "@payments/events";
import type { SharedInfra } from "../infra/infra.ts";
import {
  type BuiltService,
  type ListenConfig,
  listenSettings,
  type ServiceKit,
  startHttpService,
} from "./http-service.ts";
import type { RunningService } from "./services.ts";

/** Options of {@link startDataHttpService}. */
export interface DataHttpServiceOptions<N extends string, TSchema extends Record<string, unknown>> {
  name: N;
  /** The service's config: `<NAME>_PORT`/`_HOST` and its database settings, by the naming convention. */
  config: ListenConfig<N> & DatabaseConfig<N>;
  infra: SharedInfra;
  /** The service's drizzle-kit output folder and schema. */
  migrationsFolder: string;
  schema: TSchema;
  /** Builds the app once the database is migrated and its outbox relay runs. */
  build(kit: ServiceKit, data: DataService<TSchema>): Promise<BuiltService>;
}

/**
 * The start of a service that owns a database: its own logger, tracer and metrics (startHttpService), then
 * the database, migrated, with the outbox relay publishing what it commits (startDataService), then the app;
 * so a service's server.ts names only what is its own.
 */
export function startDataHttpService<N extends string, TSchema extends Record<string, unknown>>(
  opts: DataHttpServiceOptions<N, TSchema>,
): Promise<RunningService> {
  const { name, config, infra, migrationsFolder, schema } = opts;
  return startHttpService({
    ...listenSettings(name, config),
    infra,
    async build(kit) {
      const data = await startDataService({
        ...kit,
        ...databaseSettings(name, config),
        migrationsFolder,
        schema,
      });
      return opts.build(kit, data);
    },
  });
}
