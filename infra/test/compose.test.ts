/**
 * docker-compose.yml, checked statically (CI also brings the stack up and tests it: `bun run stack`,
 * `bun run stack:test`, e2e/stack; these checks hold without an engine): every service is there and built from the service image, everything has a health check and a
 * memory limit, start-up waits on health, images are pinned to the versions in .env.example, and the
 * Postgres init script, Prometheus targets and Caddy upstreams agree with the services' ports.
 */
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type ComposeService, envExampleValues, loadCompose } from "./support/env.ts";
import { root, serviceDirs } from "./support/platform.ts";

const compose = loadCompose();
const services = compose.services;
const SERVICE_DOCKERFILE = "infra/docker/service.Dockerfile";

/** One-shot jobs (restart "no"): others wait for them to complete, not to be healthy. */
const oneShot = (s: ComposeService | undefined) => s?.restart === "no";

function env(name: string): Record<string, string> {
  const environment = services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v ?? "")]));
}

function dependsOn(service: ComposeService): Record<string, { condition?: string }> {
  const deps = service.depends_on ?? {};
  // The short list form has no condition at all: it waits for "started", never for healthy.
  return Array.isArray(deps) ? Object.fromEntries(deps.map((d) => [d, {}])) : deps;
}

describe("docker-compose.yml", () => {
  it("runs every service of services/* from the service image, and the platform's servers", () => {
    for (const name of serviceDirs()) {
      const service = services[name];
      expect(service, `compose service ${name}`).toBeDefined();
      expect(service?.build?.dockerfile).toBe(SERVICE_DOCKERFILE);
      expect(service?.build?.args?.SERVICE).toBe(name);
    }
    for (const name of ["postgres", "redis", "rabbitmq", "caddy", "prometheus", "grafana", "jaeger"]) {
      expect(Object.keys(services)).toContain(name);
    }
  });

  it("gives every long-running container a health check and each image one on /health/live", () => {
    for (const [name, service] of Object.entries(services)) {
      if (oneShot(service)) continue;
      const test = service.healthcheck?.test;
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(
        Array.isArray(test) ? test.length : String(test ?? "").length,
        `${name} healthcheck`,
      ).toBeGreaterThan(0);
    }
    for (const file of [SERVICE_DOCKERFILE, "infra/docker/frontends.Dockerfile"]) {
      const dockerfile = readFileSync(join(root, file), "utf8");
      expect(dockerfile).toMatch(/^HEALTHCHECK /m);
      // Neither image runs as root.
      expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    }
    expect(readFileSync(join(root, SERVICE_DOCKERFILE), "utf8")).toContain("/health/live");
  });

  it("starts a container only once what it depends on is healthy (or, for a one-shot job, done)", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(dependsOn(service))) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        const expected = oneShot(services[dep]) ? "service_completed_successfully" : "service_healthy";
        expect(`${name} → ${dep}: ${condition}`).toBe(`${name} → ${dep}: ${expected}`);
      }
    }
    // The services really wait for their databases and the broker's definitions.
    for (const name of serviceDirs().filter((n) => n !== "gateway")) {
      expect(Object.keys(dependsOn(services[name] ?? {}))).toEqual(
        expect.arrayContaining(["postgres", "redis", "rabbitmq", "rabbitmq-definitions"]),
      );
    }
  });

  it("pins every image to the version .env.example sets", () => {
    const versions = envExampleValues();
    const pinned: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const refs = service.image ? [service.image] : [];
      const args = Object.values(service.build?.args ?? {}).filter((v) => v.includes("_VERSION"));
      for (const ref of [...refs, ...args]) {
        const m = /\$\{([A-Z_]+_VERSION):-([^}]+)\}/.exec(ref);
        expect(m, `${name}: ${ref} names a *_VERSION variable with a default`).not.toBeNull();
        if (!m?.[1]) continue;
        expect(`${m[1]}=${m[2]}`).toBe(`${m[1]}=${versions.get(m[1])}`);
        pinned.push(m[1]);
      }
      if (!service.build) expect(service.image, `${name} has an image or a build`).toBeDefined();
    }
    // No moving tags: every version in .env.example is a concrete version, and each one is used.
    for (const [key, value] of versions) {
      if (!key.endsWith("_VERSION")) continue;
      expect(value, key).not.toMatch(/^(latest|stable|main)?$/);
      expect(pinned, `${key} is used by compose`).toContain(key);
    }
  });

  it("limits the memory of every container", () => {
    for (const [name, service] of Object.entries(services)) {
      const limit = service.mem_limit ?? service.deploy?.resources?.limits?.memory;
      expect(limit, `${name} memory limit`).toMatch(/^\d+[kmg]$/);
    }
  });

  it("runs two gateways, reachable only through Caddy", () => {
    expect(services.gateway?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.gateway?.ports ?? []).toEqual([]);
    expect(env("caddy").GATEWAY_UPSTREAMS).toBe(`gateway:${env("gateway").GATEWAY_PORT}`);
  });

  it("creates one database per service that has one, with the init script", () => {
    const initSql = readFileSync(join(root, "infra/postgres/init.sql"), "utf8");
    const created = [...initSql.matchAll(/CREATE DATABASE (\w+)/g)].map((m) => m[1] ?? "").sort();
    const used = serviceDirs()
      .map((name) => env(name)[`${name.toUpperCase()}_DATABASE_URL`])
      .filter((url): url is string => Boolean(url))
      .map((url) => url.replace(/.*\//, ""))
      .sort();
    expect(used).toEqual(created);
    expect(created).toEqual(["admin", "auth", "payments", "profile"]);
    expect(services.postgres?.volumes).toContain(
      "./infra/postgres/init.sql:/docker-entrypoint-initdb.d/init.sql:ro",
    );
  });

  it("sends every service's traces to Jaeger's OTLP/HTTP port", () => {
    for (const name of serviceDirs()) {
      expect(env(name).OTEL_EXPORTER_OTLP_ENDPOINT).toContain("http://jaeger:4318");
    }
    expect(services.jaeger?.environment?.COLLECTOR_OTLP_ENABLED).toBe("true");
  });

  it("loads the RabbitMQ definitions and enables the management and prometheus plugins", () => {
    const mounts = [
      ...(services.rabbitmq?.volumes ?? []),
      ...(services["rabbitmq-definitions"]?.volumes ?? []),
    ];
    expect(mounts.some((m) => m.startsWith("./infra/rabbitmq/definitions.json:"))).toBe(true);
    const plugins = readFileSync(join(root, "infra/docker/rabbitmq/enabled_plugins"), "utf8");
    expect(plugins).toContain("rabbitmq_prometheus");
    expect(plugins).toContain("rabbitmq_management");
    expect(JSON.parse(readFileSync(join(root, "infra/rabbitmq/definitions.json"), "utf8"))).toHaveProperty(
      "queues",
    );
  });

  it("mounts only files that exist and declares every named volume", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const mount of service.volumes ?? []) {
        const source = mount.split(":")[0] ?? "";
        if (source.startsWith("./")) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${source}`).toContain(source);
      }
    }
  });

  it("has Prometheus scrape each service on the port compose gives it", () => {
    const config = parse(readFileSync(join(root, "infra/prometheus/prometheus.yml"), "utf8")) as {
      scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
    };
    for (const name of serviceDirs()) {
      const job = config.scrape_configs.find((j) => j.job_name === name);
      expect(job?.dns_sd_configs?.[0]?.names).toEqual([name]);
      expect(String(job?.dns_sd_configs?.[0]?.port)).toBe(env(name)[`${name.toUpperCase()}_PORT`] ?? "");
      expect(env(name).HEALTH_PORT).toBe(env(name)[`${name.toUpperCase()}_PORT`] ?? "");
    }
  });
});
