/**
 * Kubernetes cannot run on the build machines, but docker-compose.yml can (`bun run stack`): so what the
 * stack proves about the containers holds for the cluster only if the two describe the same containers.
 * This test keeps infra/k8s/base and docker-compose.yml in agreement on images, environment names (and
 * their fixed values), health probes and ports.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCompose } from "./support/env.ts";
import { loadManifests, type Manifest } from "./support/k8s.ts";
import { root, serviceDirs } from "./support/platform.ts";

interface Probe {
  httpGet?: { path: string; port: string | number };
}

interface Container {
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

const compose = loadCompose();
const base = join(root, "infra/k8s/base");
const objects: Manifest[] = ["config", ...serviceDirs(), "edge"].flatMap((f) =>
  loadManifests(join(base, `${f}.yaml`)),
);
const config =
  objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "platform-config")?.data ?? {};

function k8sContainer(name: string): Container {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);
  const container = (deployment?.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)
    ?.template?.spec?.containers?.[0];
  if (!container) throw new Error(`no Deployment ${name} in infra/k8s/base`);
  return container;
}

/** Environment of a k8s container: its own `env` plus the ConfigMap it takes everything from. */
function k8sEnv(container: Container): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  if (container.envFrom?.some((e) => e.configMapRef?.name === "platform-config")) {
    for (const [k, v] of Object.entries(config)) env.set(k, v);
  }
  for (const e of container.env ?? []) env.set(e.name, e.value);
  return env;
}

function composeEnv(service: string): Map<string, string> {
  const environment = compose.services[service]?.environment ?? {};
  return new Map(Object.entries(environment).map(([k, v]) => [k, String(v ?? "")]));
}

/** `${NAME:-}`: handed through from .env, empty meaning the code's default; a cluster sets it only if it wants to. */
const tunable = (value: string) => /^\$\{[A-Z0-9_]+:-\}$/.test(value);
/** HEALTH_PORT tells the image's HEALTHCHECK where to ask; Kubernetes probes name the port themselves. */
const IMAGE_ONLY = new Set(["HEALTH_PORT"]);

function probeArgs(service: string): string {
  const test = compose.services[service]?.healthcheck?.test;
  return Array.isArray(test) ? test.join(" ") : String(test ?? "");
}

describe("infra/k8s and docker-compose.yml describe the same containers", () => {
  for (const service of serviceDirs()) {
    describe(service, () => {
      const container = k8sContainer(service);
      const env = composeEnv(service);

      it("run the image built from the service Dockerfile for this service", () => {
        expect(container.image).toBe(`payments-platform/${service}`);
        expect(compose.services[service]?.build?.dockerfile).toBe("infra/docker/service.Dockerfile");
        expect(compose.services[service]?.build?.args?.SERVICE).toBe(service);
      });

      it("set the same environment names, with the same fixed values", () => {
        const k8s = k8sEnv(container);
        expect([...k8s.keys()].filter((n) => !env.has(n)).sort(), "set by k8s, not by compose").toEqual([]);
        const wired = [...env.entries()].filter(([n, v]) => !tunable(v) && !IMAGE_ONLY.has(n));
        expect(
          wired
            .map(([n]) => n)
            .filter((n) => !k8s.has(n))
            .sort(),
          "wired by compose, not by k8s",
        ).toEqual([]);
        // Values without interpolation are facts of the topology (ports, hosts, upstream URLs); where the
        // cluster takes one from a Secret (REDIS_URL, RABBITMQ_URL) it is its own.
        const literal = wired.filter(([n, v]) => !v.includes("${") && k8s.get(n) !== undefined);
        expect(literal.map(([n, v]) => `${n}=${v}`)).toEqual(
          literal.map(([n]) => `${n}=${k8s.get(n) ?? "(unset)"}`),
        );
      });

      it("listen on the same port, probed on the same routes", () => {
        const port = env.get(`${service.toUpperCase()}_PORT`);
        expect(String(container.ports?.find((p) => p.name === "http")?.containerPort)).toBe(port ?? "");
        expect(env.get("HEALTH_PORT")).toBe(port);
        // Readiness: compose's health check (start-up order) and the k8s readinessProbe.
        expect(probeArgs(service)).toContain("/health/ready");
        expect(container.readinessProbe?.httpGet).toEqual({ path: "/health/ready", port: "http" });
        // Liveness: the image's HEALTHCHECK and the k8s livenessProbe.
        const dockerfile = readFileSync(join(root, "infra/docker/service.Dockerfile"), "utf8");
        expect(/^HEALTHCHECK[\s\S]*?\/health\/live/m.test(dockerfile)).toBe(true);
        expect(container.livenessProbe?.httpGet).toEqual({ path: "/health/live", port: "http" });
      });
    });
  }

  describe("the edge", () => {
    const container = k8sContainer("edge");
    const caddy = compose.services.caddy;
    const k8s = k8sEnv(container);

    it("is the image built from the frontends Dockerfile", () => {
      expect(container.image).toBe("payments-platform/edge");
      expect(caddy?.build?.dockerfile).toBe("infra/docker/frontends.Dockerfile");
    });

    it("proxies to the same gateway upstream and is probed on the same health listener", () => {
      expect(k8s.get("GATEWAY_UPSTREAMS")).toBe(composeEnv("caddy").get("GATEWAY_UPSTREAMS"));
      expect(k8s.get("CADDY_ADMIN")).toBe(composeEnv("caddy").get("CADDY_ADMIN"));
      const health = container.ports?.find((p) => p.name === "health")?.containerPort;
      expect(probeArgs("caddy")).toContain(`http://127.0.0.1:${health}/`);
      expect(container.livenessProbe?.httpGet).toEqual({ path: "/", port: "health" });
      const dockerfile = readFileSync(join(root, "infra/docker/frontends.Dockerfile"), "utf8");
      expect(dockerfile).toContain(`http://127.0.0.1:${health}/`);
    });
  });

  it("agree on the gateway's view of the services", () => {
    const gateway = k8sEnv(k8sContainer("gateway"));
    for (const service of serviceDirs().filter((s) => s !== "gateway")) {
      const url = `http://${service}:${composeEnv(service).get(`${service.toUpperCase()}_PORT`)}`;
      expect(`${service}: ${composeEnv("gateway").get(`${service.toUpperCase()}_URL`)}`).toBe(
        `${service}: ${url}`,
      );
      expect(`${service}: ${gateway.get(`${service.toUpperCase()}_URL`)}`).toBe(`${service}: ${url}`);
    }
  });
});
