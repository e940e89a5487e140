/**
 * Metric names referenced by PromQL expressions, read with Prometheus' own grammar (@prometheus-io/lezer-promql,
 * the parser behind the Prometheus UI) instead of a regular expression, so function names, label names and
 * keywords are never mistaken for metrics.
 */
import { parser } from "@prometheus-io/lezer-promql";

/** Grafana's built-in interval variables, replaced by a duration so that the query parses. */
const GRAFANA_DURATIONS = /\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g;

/** `label_values(metric, label)`: Grafana's variable query, not PromQL. */
const LABEL_VALUES = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/;

/** What {@link metricNames} found in one expression. */
export interface PromqlNames {
  metrics: string[];
  /** Parse errors, as the text around each; empty when the expression is valid PromQL. */
  errors: string[];
}

/**
 * Metric names selected by `expr` (every vector selector's name). Grafana variables: `$__rate_interval` and
 * friends become `5m`; `$var` inside label matcher strings needs nothing, as it is inside quotes.
 */
export function metricNames(expr: string): PromqlNames {
  const labelValues = LABEL_VALUES.exec(expr);
  if (labelValues?.[1]) return { metrics: [labelValues[1]], errors: [] };
  const query = expr.replace(GRAFANA_DURATIONS, "5m");
  const tree = parser.parse(query);
  const metrics = new Set<string>();
  const errors: string[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      errors.push(`…${query.slice(Math.max(0, cursor.from - 20), cursor.to + 20)}…`);
    }
    if (cursor.name === "VectorSelector") {
      const selector = cursor.node.getChild("Identifier");
      if (selector) metrics.add(query.slice(selector.from, selector.to));
      else errors.push(`selector without a metric name: ${query.slice(cursor.from, cursor.to)}`);
    }
  } while (cursor.next());
  return { metrics: [...metrics], errors };
}

/** Metric names of a Prometheus text exposition: every `# TYPE` family with its series suffixes. */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/.exec(line);
    if (type?.[1] && type[2]) {
      const [, name, kind] = type;
      names.add(name);
      if (kind === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(`${name}${s}`);
      if (kind === "summary") for (const s of ["_sum", "_count"]) names.add(`${name}${s}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}
