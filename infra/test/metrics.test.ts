/**
 * Dashboards and alert rules name only metrics that exist: every PromQL expression in
 * infra/grafana/dashboards/*.json and infra/prometheus/rules/*.yml is parsed, and each metric it selects must
 * be served at /metrics by the running platform (all services, started as `bun run start` does; with the
 * real RabbitMQ bus when a broker is available, which CI requires) or be in the documented third-party list.
 * Each service's exposition also passes `promtool check metrics` (Prometheus' naming rules).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isCI, realServer } from "@payments/testing";
import { parse } from "yaml";
import { type Platform, root, serviceNames, startPlatform } from "./support/platform.ts";
import { exposedNames, metricNames } from "./support/promql.ts";
import { THIRD_PARTY_METRICS } from "./support/third-party-metrics.ts";

interface Query {
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list?: Array<{ name: string; query?: string | { query?: string } }> };
}

const dashboardDir = join(root, "infra/grafana/dashboards");
const rulesDir = join(root, "infra/prometheus/rules");

function dashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(dashboardDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dashboardDir, file), "utf8")) }));
}

function dashboardQueries(file: string, dashboard: Dashboard): Query[] {
  const queries: Query[] = [];
  const visit = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ where: `${file} › ${panel.title}`, expr: target.expr });
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === "string" ? variable.query : variable.query?.query;
    if (query) queries.push({ where: `${file} › $${variable.name}`, expr: query });
  }
  return queries;
}

function ruleQueries(): Query[] {
  const queries: Query[] = [];
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith(".yml"))) {
    const doc = parse(readFileSync(join(rulesDir, file), "utf8")) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
    };
    for (const group of doc.groups) {
      for (const rule of group.rules) {
        queries.push({ where: `${file} › ${rule.alert ?? rule.record}`, expr: String(rule.expr) });
      }
    }
  }
  return queries;
}

const allQueries = [
  ...dashboards().flatMap(({ file, dashboard }) => dashboardQueries(file, dashboard)),
  ...ruleQueries(),
];

describe("PromQL in dashboards and rules", () => {
  it("finds the queries (the test is not vacuous)", () => {
    expect(
      dashboards()
        .map((d) => d.file)
        .sort(),
    ).toEqual([
      "business.json",
      "cache.json",
      "datastores.json",
      "event-hub.json",
      "red.json",
      "websocket.json",
    ]);
    expect(allQueries.length).toBeGreaterThan(50);
  });

  it("parses every expression with Prometheus' grammar", () => {
    const broken = allQueries
      .map((q) => ({ ...q, errors: metricNames(q.expr).errors }))
      .filter((q) => q.errors.length > 0);
    expect(broken).toEqual([]);
  });

  it("selects at least one metric in every expression", () => {
    expect(allQueries.filter((q) => metricNames(q.expr).metrics.length === 0)).toEqual([]);
  });

  it("gives every dashboard a unique uid and every panel query the provisioned datasource", () => {
    const uids = dashboards().map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const provisioned = readFileSync(
      join(root, "infra/grafana/provisioning/datasources/datasources.yml"),
      "utf8",
    );
    for (const { dashboard } of dashboards()) {
      for (const match of JSON.stringify(dashboard).matchAll(/"uid":\s*"([^"]+)"/g)) {
        if (match[1] === dashboard.uid) continue;
        expect(provisioned).toContain(`uid: ${match[1]}`);
      }
    }
  });
});

const rabbitmqUrl = realServer("rabbitmq");
const postgresUrl = realServer("postgres");

// RabbitMQ-only series (confirms, connection) exist only on the RabbitMQ bus: without a broker (locally) the
// check would be incomplete, so it runs only with one; CI always has one.
describe.if(Boolean(rabbitmqUrl) || isCI)("metrics the running platform exports", () => {
  let platform: Platform | undefined;
  const exported = new Map<string, Set<string>>();
  const expositions = new Map<string, string>();

  beforeAll(async () => {
    platform = await startPlatform({ postgresUrl, rabbitmqUrl });
    for (const [name, url] of platform.urls) {
      // A request through each service first, so that request metrics have samples too.
      await (await fetch(`${url}/health/ready`)).arrayBuffer();
      const text = await (await fetch(`${url}/metrics`)).text();
      expositions.set(name, text);
      exported.set(name, exposedNames(text));
    }
  }, 200_000);

  afterAll(async () => {
    expect(await platform?.stop()).toBe(0);
  }, 60_000);

  it("scrapes every service", () => {
    expect([...exported.keys()].sort()).toEqual(serviceNames());
    for (const names of exported.values()) expect(names.has("http_requests_total")).toBe(true);
  });

  it("runs on the RabbitMQ bus, so its series are exported too", () => {
    expect(platform?.banner).toContain("event bus: RabbitMQ");
    expect(exported.get("gateway")?.has("events_bus_connected")).toBe(true);
  });

  it("names only exported or documented third-party metrics in dashboards and alert rules", () => {
    const all = new Set<string>();
    for (const names of exported.values()) for (const n of names) all.add(n);
    const unknown = allQueries.flatMap((q) =>
      metricNames(q.expr)
        .metrics.filter((m) => !all.has(m) && !THIRD_PARTY_METRICS.has(m))
        .map((m) => `${q.where}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it.if(Boolean(Bun.which("promtool")) || isCI)(
    "passes `promtool check metrics` on every service",
    async () => {
      const promtool = Bun.which("promtool");
      if (!promtool) throw new Error("promtool is required under CI (apt-get install prometheus)");
      for (const [name, text] of expositions) {
        const proc = Bun.spawn([promtool, "check", "metrics"], {
          stdin: new Blob([text]),
          stdout: "pipe",
          stderr: "pipe",
        });
        const output = `${await new Response(proc.stdout).text()}${await new Response(proc.stderr).text()}`;
        expect(`${name}: ${output.trim()}`).toBe(`${name}: `);
        expect(await proc.exited).toBe(0);
      }
    },
  );

  it("keeps the third-party list to names the queries use", () => {
    const used = new Set(allQueries.flatMap((q) => metricNames(q.expr).metrics));
    expect([...THIRD_PARTY_METRICS.keys()].filter((m) => !used.has(m))).toEqual([]);
  });
});
