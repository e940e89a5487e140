import { Histogram, type Registry } from "prom-client";

/** Seconds: a primary-key read on a warm pool is ~0.2 ms, a lock wait or a report can take seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Distinct `statement` label values kept per registry; later ones are counted as {@link OTHER_STATEMENT}.
 * Statement names come from code (an operation and a table, or a name), so a service has a few dozen; the
 * cap only guards against a name built from data by mistake, which would otherwise grow the series forever.
 */
export const MAX_STATEMENT_LABELS = 200;

/** The label of statements past {@link MAX_STATEMENT_LABELS}. */
export const OTHER_STATEMENT = "other";

/** The database's duration histogram, `db_query_duration_seconds{statement}`. */
export interface QueryMetrics {
  /** Records one statement's duration (seconds) under its bounded `statement` label. */
  observe(statement: string, seconds: number): void;
}

interface Bounded {
  histogram: Histogram<"statement">;
  seen: Set<string>;
}

const byRegistry = new WeakMap<Registry, Bounded>();

/**
 * The query-duration histogram on `registry` (one per registry, however many databases a test opens on it).
 * Labelled by statement (`SELECT payments`, or the name a raw statement gives itself), never by its text or
 * parameters.
 */
export function createQueryMetrics(registry: Registry): QueryMetrics {
  let bounded = byRegistry.get(registry);
  if (!bounded) {
    const existing = registry.getSingleMetric("db_query_duration_seconds");
    const histogram =
      existing instanceof Histogram
        ? (existing as Histogram<"statement">)
        : new Histogram({
            name: "db_query_duration_seconds",
            help: "Duration of SQL statements, from the driver call to the last row, by statement",
            labelNames: ["statement"],
            buckets: BUCKETS,
            registers: [registry],
          });
    bounded = { histogram, seen: new Set() };
    byRegistry.set(registry, bounded);
  }
  const { histogram, seen } = bounded;
  return {
    observe(statement, seconds) {
      let label = statement;
      if (!seen.has(statement)) {
        if (seen.size < MAX_STATEMENT_LABELS) seen.add(statement);
        else label = OTHER_STATEMENT;
      }
      histogram.observe({ statement: label }, seconds);
    },
  };
}
