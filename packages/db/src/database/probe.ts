import type { HealthProbe } from "@payments/service-kit";
import { sql } from "drizzle-orm";
import type { Database } from "./types.ts";

/** How long `SELECT 1` may take before the database counts as down. */
export const PROBE_TIMEOUT_MS = 2_000;

/** Rejects with a timeout error if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness probe running `SELECT 1`. `blocker` returns a reason the database is not usable yet even if
 * it answers (migrations not applied), or undefined.
 */
export function createDatabaseProbe<TSchema extends Record<string, unknown>>(
  name: "postgres" | "pglite",
  db: Database<TSchema>,
  blocker: () => string | undefined = () => undefined,
): HealthProbe {
  return {
    name,
    critical: true,
    timeoutMs: PROBE_TIMEOUT_MS,
    run: async () => {
      const reason = blocker();
      if (reason !== undefined) throw new Error(reason);
      await withTimeout(db.execute(sql`select 1`), PROBE_TIMEOUT_MS, `${name} SELECT 1`);
    },
  };
}
