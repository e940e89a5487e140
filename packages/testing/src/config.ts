/**
 * The only place test helpers read the environment. Integration suites use real servers when their URLs
 * are set (CI sets all three and requires them) and the embedded adapters otherwise.
 */
export interface TestEnv {
  /** CI=true: a suite that needs a server and has none must fail, not skip. */
  ci: boolean;
  /** Admin URL of a Postgres server; tests create and drop their own databases on it. */
  postgresUrl: string | undefined;
  redisUrl: string | undefined;
  rabbitmqUrl: string | undefined;
  /** The search path handed to servers a test starts (Caddy looks its helpers up there). */
  path: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== "" ? value.trim() : undefined;
}

/** Reads the test environment once. */
export function readTestEnv(env: Record<string, string | undefined> = process.env): TestEnv {
  return {
    ci: env.CI === "true" || env.CI === "1",
    postgresUrl: nonEmpty(env.POSTGRES_URL),
    redisUrl: nonEmpty(env.REDIS_URL),
    rabbitmqUrl: nonEmpty(env.RABBITMQ_URL),
    path: nonEmpty(env.PATH) ?? "/usr/bin:/bin",
  };
}
