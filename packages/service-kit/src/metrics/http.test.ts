import { describe, expect, test } from "bun:test";
import { Histogram, Registry } from "prom-client";
import { httpMetrics } from "./http.ts";

/** The exposition of one registry, its `service` label and sample order aside: sorted lines. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.getSingleMetricAsString(name);
  return text.split("\n").sort();
}

describe("http_request_duration_seconds (ADR 0026)", () => {
  test("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const kit = new Registry();
    const reference = new Registry();
    const metrics = httpMetrics(kit);
    const histogram = new Histogram({
      name: "http_request_duration_seconds",
      help: "Duration of HTTP requests in seconds",
      labelNames: ["method", "status", "ok", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      registers: [reference],
    });
    // On the bounds, between them, past the last one; several series, repeated label sets.
    const seconds = [0, 0.001, 0.005, 0.0051, 0.05, 0.3, 0.75, 1, 7.5, 9.99, 10, 11, 120];
    const requests: [string, number, string][] = [
      ["GET", 200, "/items/:id"],
      ["POST", 201, "/items"],
      ["GET", 404, "unmatched"],
      ["GET", 500, "/boom"],
    ];
    seconds.forEach((s, i) => {
      const [method, status, route] = requests[i % requests.length] as [string, number, string];
      metrics.finished(method, status, route, s);
      histogram.observe(
        { method, status: String(status), ok: String(status >= 200 && status < 300), route },
        s,
      );
    });
    expect(await lines(kit, "http_request_duration_seconds")).toEqual(
      await lines(reference, "http_request_duration_seconds"),
    );
    // And in the JSON form (`get()`), labels splayed as prom-client splays them.
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON())
        .find((m) => m.name === "http_request_duration_seconds")
        ?.values.map((v) =>
          JSON.stringify([
            (v as { metricName?: string }).metricName,
            Object.entries(v.labels).sort(),
            v.value,
          ]),
        )
        .sort();
    expect(await json(kit)).toEqual(await json(reference));
  });

  test("the Histogram's own API reaches the same series (the gateway's proxy path records through it)", async () => {
    const registry = new Registry();
    const metrics = httpMetrics(registry);
    metrics.record("GET", 200, "/api/x/*", 0.02);
    const histogram = registry.getSingleMetric("http_request_duration_seconds") as Histogram<string>;
    histogram.labels({ method: "GET", status: "200", ok: "true", route: "/api/x/*" }).observe(0.2);
    histogram.observe({ method: "GET", status: "200", ok: "true", route: "/api/x/*" }, 2);
    const text = await registry.getSingleMetricAsString("http_request_duration_seconds");
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",status="200",ok="true",route="/api/x/*"} 3',
    );
    expect(text).toContain(
      'http_request_duration_seconds_sum{method="GET",status="200",ok="true",route="/api/x/*"} 2.22',
    );
    histogram.reset();
    expect(await registry.getSingleMetricAsString("http_request_duration_seconds")).not.toContain("_count");
  });

  test("one set of metrics per registry, and no second histogram under the same name", () => {
    const registry = new Registry();
    expect(httpMetrics(registry)).toBe(httpMetrics(registry));
    const taken = new Registry();
    new Histogram({ name: "http_request_duration_seconds", help: "x", registers: [taken] });
    expect(() => httpMetrics(taken)).toThrow("not by the service kit");
  });
});
