import {
  Counter,
  Gauge,
  Histogram,
  type LabelValues,
  type ObserveDataWithExemplar,
  type Registry,
} from "prom-client";

/** The labels of the `http_*` series (plus the registry's `service`). */
export type HttpLabel = "method" | "status" | "ok" | "route";
const HTTP_LABELS: HttpLabel[] = ["method", "status", "ok", "route"];
const NAME = "http_request_duration_seconds";
const HELP = "Duration of HTTP requests in seconds";
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** One label set of the `http_*` metrics, with its own counts (ADR 0026). */
interface Series {
  labels: Record<HttpLabel, string>;
  /** Observations per bucket (not cumulative), the last one past every bound (`+Inf`). */
  buckets: Float64Array;
  sum: number;
  count: number;
  /** Requests not yet added to `http_requests_total` (it adds them when read). */
  unsent: number;
}

type HistogramData = Awaited<ReturnType<Histogram<HttpLabel>["get"]>>;
type HistogramValue = HistogramData["values"][number];

/**
 * `http_request_duration_seconds`, named, labelled and bucketed as `@hono/prometheus` made it (alert rules and
 * dashboards read it), keeping its own counts per series. prom-client's `observe` checks and hashes the
 * label object per call (a tenth of a "hello" request, ADR 0026); here each label set is one object made
 * once, and an observation is a bucket search and three additions. A prom-client `Histogram` still (its
 * `labels()`, `observe()`, `startTimer()` and `reset()` go to the same counts), and what the registry
 * reads — `get()`, and `getForPromString()` for the text format — is made from these counts alone.
 */
class HttpDurations extends Histogram<HttpLabel> {
  readonly series = new Map<string, Map<string, Series>>();
  /** Requests accepted and not yet answered, read by `http_requests_in_flight` (kept here: a merged registry shares it). */
  inFlight = 0;
  // Status texts and `ok` per status code, made once: a request formats no number.
  private readonly texts = new Map<number, readonly [string, string]>();

  constructor(registry: Registry) {
    super({
      name: NAME,
      help: HELP,
      labelNames: HTTP_LABELS,
      buckets: BUCKETS,
      registers: [registry],
    });
    // prom-client's constructor sets `observe` on the instance itself, over this class's method.
    this.observe = HttpDurations.prototype.observe;
  }

  /** The texts of the `status` and `ok` labels of `status`. */
  statusTexts(status: number): readonly [string, string] {
    let texts = this.texts.get(status);
    if (!texts) {
      texts = [String(status), String(status >= 200 && status < 300)];
      this.texts.set(status, texts);
    }
    return texts;
  }

  /** The series of one label set, made on first use (as prom-client keeps every label set it has seen). */
  seriesOf(method: string, status: string, ok: string, route: string): Series {
    // By route, then status and method: no key string built per request.
    let byRoute = this.series.get(route);
    if (!byRoute) {
      byRoute = new Map();
      this.series.set(route, byRoute);
    }
    const key = `${status} ${method}`;
    let found = byRoute.get(key);
    if (!found) {
      found = {
        labels: { method, status, ok, route },
        buckets: new Float64Array(BUCKETS.length + 1),
        sum: 0,
        count: 0,
        unsent: 0,
      };
      byRoute.set(key, found);
    }
    return found;
  }

  record(series: Series, seconds: number): void {
    let i = 0;
    while (i < BUCKETS.length && seconds > (BUCKETS[i] as number)) i++;
    series.buckets[i] = (series.buckets[i] as number) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  override observe(
    labels: LabelValues<HttpLabel> | number | ObserveDataWithExemplar<HttpLabel>,
    value?: number,
  ): void {
    if (typeof labels === "number") throw new TypeError(`${NAME} is only observed with its labels`);
    const [set, seconds] =
      "value" in labels && typeof labels.value === "number"
        ? [labels.labels ?? {}, labels.value]
        : [labels as LabelValues<HttpLabel>, value];
    if (seconds === undefined || !Number.isFinite(seconds))
      throw new TypeError(`not a valid number: ${seconds}`);
    this.record(this.seriesFor(set), seconds);
  }

  override labels(...args: [LabelValues<HttpLabel>] | string[]): ReturnType<Histogram<HttpLabel>["labels"]> {
    const [first] = args;
    const labels: LabelValues<HttpLabel> =
      typeof first === "object"
        ? first
        : Object.fromEntries(HTTP_LABELS.map((name, i) => [name, (args as string[])[i]]));
    const series = this.seriesFor(labels);
    const observe = (seconds: number): void => this.record(series, seconds);
    return {
      observe,
      startTimer: () => {
        const started = performance.now();
        return () => {
          const seconds = (performance.now() - started) / 1000;
          observe(seconds);
          return seconds;
        };
      },
    };
  }

  override reset(): void {
    // Also called by prom-client's constructor, before this class's fields exist.
    this.series?.clear();
  }

  override async get(): Promise<HistogramData> {
    const data = await this.getForPromString();
    for (const value of data.values) {
      Object.assign(value.labels, (value as { sharedLabels?: object }).sharedLabels);
      delete (value as { sharedLabels?: object }).sharedLabels;
    }
    return data;
  }

  /** What the registry reads for the text format: prom-client's shape (bucket bounds as `le`, the series' labels shared). */
  async getForPromString(): Promise<HistogramData> {
    const values: HistogramValue[] = [];
    const bucket = `${NAME}_bucket`;
    for (const s of this.allSeries()) {
      if (s.count === 0) continue;
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i] as number;
        values.push(shared({ le }, cumulative, bucket, s.labels));
      });
      values.push(shared({ le: "+Inf" }, s.count, bucket, s.labels));
      values.push(shared({}, s.sum, `${NAME}_sum`, s.labels));
      values.push(shared({}, s.count, `${NAME}_count`, s.labels));
    }
    return {
      name: NAME,
      help: HELP,
      type: "histogram",
      values,
      aggregator: "sum",
    } as unknown as HistogramData;
  }

  /** Every series, by route, status and method. */
  *allSeries(): Generator<Series> {
    for (const byRoute of this.series.values()) yield* byRoute.values();
  }

  private seriesFor(labels: LabelValues<HttpLabel>): Series {
    const text = (name: HttpLabel): string => String(labels[name] ?? "");
    return this.seriesOf(text("method"), text("status"), text("ok"), text("route"));
  }
}

function shared(
  labels: Record<string, string | number>,
  value: number,
  metricName: string,
  series: Record<HttpLabel, string>,
): HistogramValue {
  return { labels, value, metricName, sharedLabels: series } as HistogramValue;
}

/** The `http_*` metrics of one registry, and the one call that records a request in all of them. */
export interface HttpMetrics {
  /** A request was accepted (`http_requests_in_flight` up). */
  started(): void;
  /** A request was answered: in-flight down, counted and timed under its route template. */
  finished(method: string, status: number, route: string, seconds: number): void;
  /** Counts and times a request without touching in-flight (the gateway's proxy path keeps no gauge). */
  record(method: string, status: number, route: string, seconds: number): void;
}

// Per registry, so two apps sharing one (the gateway's kit app and its proxy path) share series and counts.
const httpMetricsOf = new WeakMap<Registry, HttpMetrics>();

/**
 * `http_requests_total`, `http_request_duration_seconds` and `http_requests_in_flight` on `registry`, made
 * once per registry. A request costs one map lookup and a few additions: requests are counted on their
 * series and added to the counter when it is read (its `collect`, what a scrape sees), and the in-flight
 * gauge is a number read the same way.
 */
export function httpMetrics(registry: Registry): HttpMetrics {
  const known = httpMetricsOf.get(registry);
  if (known) return known;
  const existing = registry.getSingleMetric("http_request_duration_seconds");
  if (existing && !(existing instanceof HttpDurations)) {
    throw new Error("http_request_duration_seconds is already registered, not by the service kit");
  }
  const durations = existing ?? new HttpDurations(registry);
  const existingCounter = registry.getSingleMetric("http_requests_total");
  if (!existingCounter) {
    new Counter<HttpLabel>({
      name: "http_requests_total",
      help: "Total number of HTTP requests",
      labelNames: HTTP_LABELS,
      registers: [registry],
      collect() {
        for (const s of durations.allSeries()) {
          if (s.unsent > 0) {
            this.inc(s.labels, s.unsent);
            s.unsent = 0;
          }
        }
      },
    });
  }
  if (!registry.getSingleMetric("http_requests_in_flight")) {
    new Gauge({
      name: "http_requests_in_flight",
      help: "HTTP requests being served (until the handler returned its response; a stream may outlast it)",
      registers: [registry],
      collect() {
        this.set(durations.inFlight);
      },
    });
  }
  const metrics: HttpMetrics = {
    started: () => {
      durations.inFlight += 1;
    },
    finished(method, status, route, seconds) {
      durations.inFlight -= 1;
      metrics.record(method, status, route, seconds);
    },
    record(method, status, route, seconds) {
      const [statusText, ok] = durations.statusTexts(status);
      const s = durations.seriesOf(method, statusText, ok, route);
      durations.record(s, seconds);
      s.unsent += 1;
    },
  };
  httpMetricsOf.set(registry, metrics);
  return metrics;
}
