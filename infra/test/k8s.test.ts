/**
 * infra/k8s: every manifest validates against its schema, the kustomizations point at files that exist, and
 * the Deployments do what operators rely on (health probes, resources, autoscaling, disruption budgets,
 * configuration the code really reads, databases from CloudNativePG). When a kubectl with kustomize is
 * installed, the production overlay is also rendered and every rendered object validated.
 */
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { serviceEnv } from "./support/env.ts";
import { loadManifests, type Manifest, validateManifest } from "./support/k8s.ts";
import { root, serviceDirs } from "./support/platform.ts";

interface Kustomization {
  resources?: string[];
  patches?: Array<{ path?: string }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  namespace?: string;
}

interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

const k8s = join(root, "infra/k8s");
const kustomizations = ["base", "overlays/production"].map((d) => join(k8s, d, "kustomization.yaml"));
const IMAGE_ONLY = new Set(["HEALTH_PORT"]);

function readKustomization(file: string): Kustomization {
  return parse(readFileSync(file, "utf8")) as Kustomization;
}

/** Resource files of a kustomization, following directories into their own kustomization. */
function resourceFiles(file: string): string[] {
  const dir = dirname(file);
  return (readKustomization(file).resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? resourceFiles(join(path, "kustomization.yaml")) : [path];
  });
}

const baseObjects: Manifest[] = resourceFiles(kustomizations[0] ?? "").flatMap(loadManifests);
const overlayObjects: Manifest[] = resourceFiles(kustomizations[1] ?? "").flatMap(loadManifests);
const find = (kind: string, name: string) =>
  baseObjects.find((o) => o.kind === kind && o.metadata.name === name);
const podSpec = (d: Manifest | undefined) =>
  (d?.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
const podLabels = (d: Manifest | undefined) =>
  (d?.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template
    ?.metadata?.labels ?? {};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

describe("Kubernetes manifests", () => {
  it("lists only files that exist, and patches objects that the resources define", () => {
    for (const file of kustomizations) {
      const k = readKustomization(file);
      for (const entry of k.resources ?? []) expect(existsSync(join(dirname(file), entry)), entry).toBe(true);
      for (const patch of k.patches ?? []) {
        const path = join(dirname(file), patch.path ?? "");
        expect(existsSync(path), patch.path).toBe(true);
        for (const target of loadManifests(path)) {
          const defined = overlayObjects.some(
            (o) => o.kind === target.kind && o.metadata.name === target.metadata.name,
          );
          expect(defined, `${patch.path}: ${target.kind}/${target.metadata.name}`).toBe(true);
        }
      }
      const images = overlayObjects.flatMap((o) => podSpec(o)?.containers.map((c) => c.image) ?? []);
      for (const image of k.images ?? []) expect(images, image.name).toContain(image.name);
    }
    expect(baseObjects.length).toBeGreaterThan(20);
  });

  it("validates every object against its schema", () => {
    const problems = overlayObjects
      .map((o) => ({ object: `${o.kind}/${o.metadata?.name}`, problem: validateManifest(o) }))
      .filter((p) => p.problem !== undefined);
    expect(problems).toEqual([]);
  });

  it("rejects an invalid object (the validation is not vacuous)", () => {
    const deployment = find("Deployment", "gateway");
    const broken = JSON.parse(JSON.stringify(deployment)) as Manifest;
    (podSpec(broken)?.containers[0] as { ports: unknown }).ports = [{ containerPort: "http" }];
    expect(validateManifest(broken)).toContain("containerPort");
    const cluster = JSON.parse(JSON.stringify(find("Cluster", "auth-db"))) as Manifest;
    (cluster.spec as Record<string, unknown>).instance = 3;
    expect(validateManifest(cluster)).toBeDefined();
  });

  it("runs Postgres and RabbitMQ through their operators and Redis as a managed endpoint", () => {
    expect(overlayObjects.filter((o) => o.kind === "StatefulSet")).toEqual([]);
    expect(find("RabbitmqCluster", "rabbitmq")).toBeDefined();
    expect(find("Service", "redis")?.spec?.type).toBe("ExternalName");
    expect(overlayObjects.some((o) => /redis/.test(o.metadata.name) && o.kind === "Deployment")).toBe(false);
  });

  for (const service of serviceDirs()) {
    describe(service, () => {
      const deployment = find("Deployment", service);
      const container = podSpec(deployment)?.containers[0];
      const port = container?.ports?.find((p) => p.name === "http");

      it("has a Deployment with readiness on /health/ready and liveness on /health/live", () => {
        expect(container?.image).toBe(`payments-platform/${service}`);
        expect(String(port?.containerPort)).toBe(
          container?.env?.find((e) => e.name === `${service.toUpperCase()}_PORT`)?.value ?? "",
        );
        expect(container?.readinessProbe?.httpGet).toEqual({ path: "/health/ready", port: "http" });
        expect(container?.livenessProbe?.httpGet).toEqual({ path: "/health/live", port: "http" });
        expect(container?.startupProbe?.httpGet).toEqual({ path: "/health/live", port: "http" });
      });

      it("requests and limits CPU and memory, and runs unprivileged", () => {
        for (const kind of ["requests", "limits"] as const) {
          expect(Object.keys(container?.resources?.[kind] ?? {}).sort()).toEqual(["cpu", "memory"]);
        }
        expect(podSpec(deployment)?.securityContext?.runAsNonRoot).toBe(true);
        expect(container?.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(container?.securityContext?.capabilities?.drop).toEqual(["ALL"]);
      });

      it("is reachable through a Service and protected by a PodDisruptionBudget", () => {
        const svc = find("Service", service);
        const spec = svc?.spec as {
          selector?: Record<string, string>;
          ports?: Array<{ targetPort: string }>;
        };
        expect(selects(spec.selector, podLabels(deployment))).toBe(true);
        expect(spec.ports?.[0]?.targetPort).toBe("http");
        const pdb = find("PodDisruptionBudget", service)?.spec as
          | { minAvailable?: number; selector?: { matchLabels?: Record<string, string> } }
          | undefined;
        expect(selects(pdb?.selector?.matchLabels, podLabels(deployment))).toBe(true);
        // A budget as large as the replica count would block every node drain.
        const hpa = find("HorizontalPodAutoscaler", service)?.spec as { minReplicas?: number } | undefined;
        const replicas =
          (deployment?.spec as { replicas?: number } | undefined)?.replicas ?? hpa?.minReplicas ?? 1;
        expect(pdb?.minAvailable ?? 0).toBeLessThan(replicas);
      });

      it("sets only variables the service reads, and takes its database from CloudNativePG", async () => {
        const reads = (await serviceEnv()).get(service) ?? new Set<string>();
        const names = (container?.env ?? []).map((e) => e.name);
        for (const ref of container?.envFrom ?? []) {
          const config = find("ConfigMap", ref.configMapRef?.name ?? "");
          names.push(...Object.keys(config?.data ?? {}));
        }
        expect(names.filter((n) => !reads.has(n) && !IMAGE_ONLY.has(n))).toEqual([]);
        expect(names).toEqual(expect.arrayContaining(["REDIS_URL", "RABBITMQ_URL"]));
        const dbVar = `${service.toUpperCase()}_DATABASE_URL`;
        if (!reads.has(dbVar)) return;
        const ref = container?.env?.find((e) => e.name === dbVar)?.valueFrom?.secretKeyRef;
        expect(ref).toEqual({ name: `${service}-db-app`, key: "uri" });
        const cluster = find("Cluster", `${service}-db`)?.spec as {
          bootstrap?: { initdb?: { database?: string } };
        };
        expect(cluster?.bootstrap?.initdb?.database).toBe(service);
      });
    });
  }

  it("autoscales the gateway and payments, leaving their replica count to the autoscaler", () => {
    for (const name of ["gateway", "payments"]) {
      const hpa = find("HorizontalPodAutoscaler", name)?.spec as {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      };
      expect(hpa.scaleTargetRef).toMatchObject({ kind: "Deployment", name });
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
      expect((find("Deployment", name)?.spec as { replicas?: number } | undefined)?.replicas).toBeUndefined();
      expect(find("Deployment", name)).toBeDefined();
    }
  });
});

/**
 * Optional: Debian only packages an old kubectl (1.20, kustomize v2), which cannot read these files, and CI
 * installs none; where a recent kubectl is present (kustomize v4+), the overlay is rendered for real, which
 * also checks that the patches merge.
 */
const kubectl = Bun.which("kubectl");
const kustomizeVersion = kubectl
  ? /Kustomize Version: v(\d+)/.exec(Bun.spawnSync([kubectl, "version", "--client"]).stdout.toString())?.[1]
  : undefined;
if (Number(kustomizeVersion ?? 0) < 4) {
  console.warn("infra/test/k8s.test.ts: no kubectl with kustomize v4+; the rendered overlay is not checked");
}

describe.if(Number(kustomizeVersion ?? 0) >= 4)("kubectl kustomize infra/k8s/overlays/production", () => {
  it("renders, and every rendered object validates and lives in the payments namespace", () => {
    const out = Bun.spawnSync([kubectl ?? "kubectl", "kustomize", join(k8s, "overlays/production")]);
    expect(out.stderr.toString()).toBe("");
    expect(out.exitCode).toBe(0);
    const rendered = parseAllDocuments(out.stdout.toString()).map((d) => d.toJS() as Manifest);
    expect(rendered.length).toBe(overlayObjects.length);
    expect(
      rendered
        .map((o) => ({ object: `${o.kind}/${o.metadata.name}`, problem: validateManifest(o) }))
        .filter((p) => p.problem),
    ).toEqual([]);
    for (const o of rendered) {
      if (o.kind === "Namespace") continue;
      expect(`${o.kind}/${o.metadata.name}: ${(o.metadata as { namespace?: string }).namespace}`).toBe(
        `${o.kind}/${o.metadata.name}: payments`,
      );
    }
    const clusters = rendered.filter((o) => o.kind === "Cluster");
    expect(clusters.map((c) => (c.spec as { instances: number }).instances)).toEqual([3, 3, 3, 3]);
    const images = rendered.flatMap((o) => podSpec(o)?.containers.map((c) => c.image) ?? []);
    for (const image of images)
      expect(image).toMatch(/^registry\.example\.com\/payments\/[a-z]+:\d+\.\d+\.\d+$/);
  });
});
