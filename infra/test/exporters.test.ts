/**
 * The exporters compose runs for Postgres and Redis (observability profile), as Debian builds them
 * (`prometheus-postgres-exporter`, `prometheus-redis-exporter`; .ci/run installs both): started on free
 * ports against the real servers, each must serve the names infra/test/support/third-party-metrics.ts lists
 * for it (the names the dashboards use), with the server up. Prometheus' config has a job for each.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, isCI, realServer } from "@payments/testing";
import { parse } from "yaml";
import { root } from "./support/platform.ts";
import { exposedNames } from "./support/promql.ts";
import { POSTGRES_EXPORTER, REDIS_EXPORTER } from "./support/third-party-metrics.ts";

const postgresUrl = realServer("postgres");
const redisUrl = realServer("redis");

interface Exporter {
  binary: string;
  args: (port: number, url: string) => string[];
  env?: (url: string) => Record<string, string>;
  up: string;
  names: readonly string[];
  url: string | undefined;
  /** Prometheus job and the compose service its DNS name resolves to. */
  job: string;
  service: string;
  port: number;
}

const EXPORTERS: Exporter[] = [
  {
    binary: "prometheus-postgres-exporter",
    args: (port) => [`--web.listen-address=127.0.0.1:${port}`],
    env: (url) => {
      const dsn = new URL(url);
      dsn.searchParams.set("sslmode", "disable");
      return { DATA_SOURCE_NAME: dsn.toString() };
    },
    up: "pg_up",
    names: POSTGRES_EXPORTER,
    url: postgresUrl,
    job: "postgres",
    service: "postgres-exporter",
    port: 9187,
  },
  {
    binary: "prometheus-redis-exporter",
    args: (port, url) => ["-redis.addr", url, "-web.listen-address", `127.0.0.1:${port}`],
    up: "redis_up",
    names: REDIS_EXPORTER,
    url: redisUrl,
    job: "redis",
    service: "redis-exporter",
    port: 9121,
  },
];

const running: Bun.Subprocess[] = [];
afterAll(async () => {
  for (const child of running) child.kill();
  await Promise.all(running.map((child) => child.exited));
});

/** The exporter's /metrics once it answers (it starts in well under a second). */
async function scrape(port: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      if (res.ok) return await res.text();
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`nothing answers on :${port}`);
    await Bun.sleep(100);
  }
}

describe("Prometheus' jobs for the exporters", () => {
  const config = parse(readFileSync(join(root, "infra/prometheus/prometheus.yml"), "utf8")) as {
    scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
  };
  const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
    services: Record<string, { profiles?: string[]; healthcheck?: { test?: string[] } }>;
  };
  for (const exporter of EXPORTERS) {
    it(`scrapes ${exporter.service}:${exporter.port} as job ${exporter.job}, found by DNS`, () => {
      const job = config.scrape_configs.find((j) => j.job_name === exporter.job);
      expect(job?.dns_sd_configs?.[0]).toMatchObject({ names: [exporter.service], port: exporter.port });
      const service = compose.services[exporter.service];
      expect(service?.profiles).toEqual(["observability", "alerting"]);
      expect(service?.healthcheck?.test?.join(" ")).toContain(`:${exporter.port}/metrics`);
    });
  }
});

for (const exporter of EXPORTERS) {
  const binary = Bun.which(exporter.binary, { PATH: `${process.env.PATH}:/usr/bin:/usr/sbin` });
  if (!binary && !isCI) {
    console.warn(
      `infra/test/exporters.test.ts: ${exporter.binary} not installed (apt-get install it); not run`,
    );
  }
  describe.if((Boolean(binary) && Boolean(exporter.url)) || isCI)(`Debian's ${exporter.binary}`, () => {
    it(`serves ${exporter.up} 1 and every name the dashboards use`, async () => {
      if (!binary) throw new Error(`CI=true but ${exporter.binary} is not installed (.ci/run installs it)`);
      const url = exporter.url;
      if (!url) throw new Error(`CI=true but no server for ${exporter.binary}`);
      const port = await freePort();
      const child = Bun.spawn([binary, ...exporter.args(port, url)], {
        env: { ...process.env, ...exporter.env?.(url) },
        stdout: "ignore",
        stderr: "pipe",
      });
      running.push(child);
      const text = await scrape(port);
      const up = new RegExp(`^${exporter.up}(\\{[^}]*\\})? 1$`, "m");
      expect(text).toMatch(up);
      const served = exposedNames(text);
      expect(exporter.names.filter((name) => !served.has(name))).toEqual([]);
    });
  });
}
