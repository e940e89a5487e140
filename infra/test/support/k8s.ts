/**
 * Validation of the Kubernetes manifests in infra/k8s. Built-in kinds are checked against the Kubernetes
 * OpenAPI schemas compiled into `kubernetes-models` (Kubernetes 1.27). The operators' custom resources
 * (CloudNativePG, RabbitMQ Cluster Operator) have no schema package on npm, so the fields this project uses
 * are checked with strict zod schemas written from the operators' API references: a misspelt or unknown
 * field fails, as it would against the CRD.
 */
import { readFileSync } from "node:fs";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Service } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

/** Any manifest: what every object has. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** Every YAML document of `file`, parsed. */
export function loadManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS() as Manifest;
  });
}

type Validate = (object: Manifest) => void;

function model(Model: new (data: never) => { validate(): void }): Validate {
  return (object) => new Model(object as never).validate();
}

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/);
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const metadata = z
  .object({
    name,
    namespace: name.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();
const secretKey = z.object({ name, key: z.string().min(1) }).strict();
const resources = z
  .object({
    requests: z.object({ cpu: quantity, memory: quantity }).strict(),
    limits: z.object({ cpu: quantity, memory: quantity }).strict(),
  })
  .strict();

/** postgresql.cnpg.io/v1 Cluster: the fields this project sets. */
const cnpgCluster = z
  .object({
    apiVersion: z.literal("postgresql.cnpg.io/v1"),
    kind: z.literal("Cluster"),
    metadata,
    spec: z
      .object({
        instances: z.number().int().min(1),
        imageName: z.string().min(1),
        storage: z.object({ size: quantity, storageClass: z.string().optional() }).strict(),
        bootstrap: z
          .object({ initdb: z.object({ database: z.string().min(1), owner: z.string().min(1) }).strict() })
          .strict(),
        monitoring: z.object({ enablePodMonitor: z.boolean() }).strict().optional(),
        backup: z
          .object({
            retentionPolicy: z.string().regex(/^[1-9][0-9]*[dwm]$/),
            barmanObjectStore: z
              .object({
                destinationPath: z.string().min(1),
                s3Credentials: z.object({ accessKeyId: secretKey, secretAccessKey: secretKey }).strict(),
                wal: z.object({ compression: z.enum(["gzip", "bzip2", "snappy"]) }).strict(),
                data: z.object({ compression: z.enum(["gzip", "bzip2", "snappy"]) }).strict(),
              })
              .strict(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/** postgresql.cnpg.io/v1 ScheduledBackup (its schedule has a seconds field, unlike a CronJob's). */
const cnpgScheduledBackup = z
  .object({
    apiVersion: z.literal("postgresql.cnpg.io/v1"),
    kind: z.literal("ScheduledBackup"),
    metadata,
    spec: z
      .object({
        schedule: z.string().regex(/^(\S+\s+){5}\S+$/),
        backupOwnerReference: z.enum(["none", "self", "cluster"]),
        cluster: z.object({ name }).strict(),
      })
      .strict(),
  })
  .strict();

/** rabbitmq.com/v1beta1 RabbitmqCluster. */
const rabbitmqCluster = z
  .object({
    apiVersion: z.literal("rabbitmq.com/v1beta1"),
    kind: z.literal("RabbitmqCluster"),
    metadata,
    spec: z
      .object({
        replicas: z.number().int().min(1),
        image: z.string().min(1),
        resources,
        persistence: z
          .object({ storage: quantity.optional(), storageClassName: z.string().optional() })
          .strict(),
        rabbitmq: z
          .object({ additionalPlugins: z.array(z.string()), additionalConfig: z.string() })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

function zodValidate(schema: z.ZodType): Validate {
  return (object) => {
    const result = schema.safeParse(object);
    if (!result.success) throw new Error(z.prettifyError(result.error));
  };
}

/** Validators by `apiVersion/kind`. A kind missing here is not allowed in the manifests. */
export const VALIDATORS: ReadonlyMap<string, Validate> = new Map([
  ["apps/v1/Deployment", model(Deployment)],
  ["v1/Service", model(Service)],
  ["v1/ConfigMap", model(ConfigMap)],
  ["v1/Namespace", model(Namespace)],
  ["autoscaling/v2/HorizontalPodAutoscaler", model(HorizontalPodAutoscaler)],
  ["policy/v1/PodDisruptionBudget", model(PodDisruptionBudget)],
  ["networking.k8s.io/v1/Ingress", model(Ingress)],
  ["postgresql.cnpg.io/v1/Cluster", zodValidate(cnpgCluster)],
  ["postgresql.cnpg.io/v1/ScheduledBackup", zodValidate(cnpgScheduledBackup)],
  ["rabbitmq.com/v1beta1/RabbitmqCluster", zodValidate(rabbitmqCluster)],
]);

/** Validates one manifest; returns the problem, or undefined when it is valid. */
export function validateManifest(object: Manifest): string | undefined {
  const validate = VALIDATORS.get(`${object.apiVersion}/${object.kind}`);
  if (!validate) return `no schema for ${object.apiVersion} ${object.kind} (not a kind this project uses)`;
  try {
    validate(object);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
