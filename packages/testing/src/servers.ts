import postgres from "postgres";
import { readTestEnv } from "./config.ts";

export type ServerKind = "postgres" | "redis" | "rabbitmq";

const env = readTestEnv();

/**
 * URL of a real server for an integration suite, or undefined when none is configured (the suite then
 * does not run and `bun run test` reports why). Under CI a missing server is an error, so the suite fails
 * instead of being silently skipped.
 */
export function realServer(kind: ServerKind): string | undefined {
  const url = kind === "postgres" ? env.postgresUrl : kind === "redis" ? env.redisUrl : env.rabbitmqUrl;
  if (!url && env.ci) {
    throw new Error(
      `CI=true but no ${kind} server is configured (${kind.toUpperCase()}_URL); this suite must run in CI`,
    );
  }
  return url;
}

/** True when running under CI. */
export const isCI = env.ci;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database on the real Postgres server; `drop()` removes it. */
export async function createTestDatabase(adminUrl: string, prefix = "t"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await client.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
