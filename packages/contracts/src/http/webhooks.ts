import { z } from "zod";
import { EVENT_TYPES } from "../events/registry.ts";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { component, operation, pageOf } from "./operation.ts";

/**
 * Webhook endpoints, deliveries and replays (docs/adr/0034), served by the auth service next to API keys
 * (mounted at `/api/auth`). Deliveries are signed per Standard Webhooks.
 */

/** Events an endpoint may subscribe to: the platform's money events, by their event type. */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter(
  (t) => t.startsWith("payment.") || t.startsWith("refund.") || t.startsWith("payout."),
) as [string, ...string[]];

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

/** An endpoint as listed: never its secret. */
export const webhookEndpointSchema = component(
  "WebhookEndpoint",
  z.object({
    id: idSchema("whe"),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventTypeSchema),
    status: z.enum(["enabled", "disabled"]),
    disabled_reason: z
      .enum(["by_owner", "failing"])
      .nullable()
      .describe("`failing`: every delivery failed for 5 days; the owner was told"),
    secret_rotated_at: timestampSchema
      .nullable()
      .describe("Deliveries carry signatures of the new and the previous secret for 24 h after it"),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  }),
  "Where signed events are POSTed",
);
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = component(
  "WebhookEndpointWithSecret",
  webhookEndpointSchema.extend({
    secret: z
      .string()
      .describe("`whsec_…`: verify deliveries with it (any Standard Webhooks library); shown now only"),
  }),
  "An endpoint with its signing secret (shown on create and rotate only)",
);

export const webhookEndpointListSchema = component("WebhookEndpointList", pageOf(webhookEndpointSchema));

/** One try of a delivery. */
export const webhookAttemptSchema = component(
  "WebhookAttempt",
  z.object({
    attempted_at: timestampSchema,
    status_code: z.int().nullable().describe("Null when no answer came (refused, timeout, blocked address)"),
    latency_ms: z.int(),
    error: z.string().nullable().describe("Why it failed without an HTTP answer, or the redirect refused"),
    response_body: z.string().describe("The first 1 KB of the answer"),
  }),
);

/** One event for one endpoint, with its attempts. */
export const webhookDeliverySchema = component(
  "WebhookDelivery",
  z.object({
    id: idSchema("whd"),
    endpoint_id: idSchema("whe"),
    event_id: z.string().describe("The `webhook-id` header: the same on every attempt and replay"),
    event_type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempt_count: z.int(),
    next_attempt_at: timestampSchema.nullable(),
    created_at: timestampSchema,
    attempts: z.array(webhookAttemptSchema).describe("Newest first, at most 20"),
  }),
);
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryListSchema = component("WebhookDeliveryList", pageOf(webhookDeliverySchema));

const urlField = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe("https (http only outside production); private and loopback addresses are refused");
const eventsField = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((e) => new Set(e).size === e.length, "events must not repeat")
  .meta({ uniqueItems: true });
const descriptionField = z.string().max(200).trim();

export const createWebhookEndpointBody = z.strictObject({
  url: urlField,
  events: eventsField,
  description: descriptionField.optional(),
});

export const updateWebhookEndpointBody = z
  .strictObject({
    url: urlField.optional(),
    events: eventsField.optional(),
    description: descriptionField.optional(),
    enabled: z.boolean().optional().describe("false disables it; true enables it again"),
  })
  .refine((b) => Object.keys(b).length > 0, "nothing to change")
  .meta({ minProperties: 1 });

export const webhookEndpointIdParam = z.object({ id: idSchema("whe") });
export const webhookDeliveryIdParam = z.object({ id: idSchema("whd") });

export const listWebhookEndpointsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: idSchema("whe").optional(),
});

export const listWebhookDeliveriesQuery = z.strictObject({
  endpoint_id: idSchema("whe").optional(),
  status: z.enum(["pending", "succeeded", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: idSchema("whd").optional(),
});

export const replayFailedBody = z.strictObject({
  endpoint_id: idSchema("whe"),
  since: timestampSchema.describe("Failed deliveries created at or after this time are sent again"),
});

const endpointNotFound = [404] as const;
const owners = ["vendor", "admin"] as const;

export const webhookEndpointsCreate = operation({
  service: "auth",
  id: "webhookEndpoints.create",
  method: "post",
  path: "/webhook-endpoints",
  summary: "Add a webhook endpoint (the signing secret is shown once)",
  description:
    "Deliveries are POSTs signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), " +
    "at least once (a receiver de-duplicates by `webhook-id`), in no promised order. At most 20 endpoints per user.",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  body: createWebhookEndpointBody,
  responses: { 201: { description: "Created", schema: webhookEndpointWithSecretSchema } },
  errors: [403, 409],
});

export const webhookEndpointsList = operation({
  service: "auth",
  id: "webhookEndpoints.list",
  method: "get",
  path: "/webhook-endpoints",
  summary: "List my webhook endpoints, newest first",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:read"],
  query: listWebhookEndpointsQuery,
  responses: { 200: { description: "A page of endpoints", schema: webhookEndpointListSchema } },
  errors: [403],
});

export const webhookEndpointsUpdate = operation({
  service: "auth",
  id: "webhookEndpoints.update",
  method: "patch",
  path: "/webhook-endpoints/{id}",
  summary: "Change an endpoint's URL, events or description, or disable / enable it",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  params: webhookEndpointIdParam,
  body: updateWebhookEndpointBody,
  responses: { 200: { description: "Updated", schema: webhookEndpointSchema } },
  errors: [403, ...endpointNotFound],
});

export const webhookEndpointsDelete = operation({
  service: "auth",
  id: "webhookEndpoints.delete",
  method: "delete",
  path: "/webhook-endpoints/{id}",
  summary: "Delete an endpoint and its delivery log",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  params: webhookEndpointIdParam,
  responses: { 204: { description: "Deleted" } },
  errors: [403, ...endpointNotFound],
});

export const webhookEndpointsRotateSecret = operation({
  service: "auth",
  id: "webhookEndpoints.rotateSecret",
  method: "post",
  path: "/webhook-endpoints/{id}/rotate-secret",
  summary: "Replace the signing secret (the old one stays valid 24 h)",
  description:
    "For 24 h every delivery carries two signatures, one per secret, so receivers can switch without a gap.",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  params: webhookEndpointIdParam,
  responses: { 200: { description: "The new secret", schema: webhookEndpointWithSecretSchema } },
  errors: [403, ...endpointNotFound],
});

export const webhookEndpointsSendTest = operation({
  service: "auth",
  id: "webhookEndpoints.sendTest",
  method: "post",
  path: "/webhook-endpoints/{id}/test",
  summary: "Send a test event (`webhook.test`) to the endpoint",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  params: webhookEndpointIdParam,
  responses: { 202: { description: "Queued", schema: webhookDeliverySchema } },
  errors: [403, ...endpointNotFound],
});

export const webhookDeliveriesList = operation({
  service: "auth",
  id: "webhookDeliveries.list",
  method: "get",
  path: "/webhook-deliveries",
  summary: "The delivery log: my deliveries with their attempts, newest first",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:read"],
  query: listWebhookDeliveriesQuery,
  responses: { 200: { description: "A page of deliveries", schema: webhookDeliveryListSchema } },
  errors: [403],
});

export const webhookDeliveriesReplay = operation({
  service: "auth",
  id: "webhookDeliveries.replay",
  method: "post",
  path: "/webhook-deliveries/{id}/replay",
  summary: "Send one delivery again now (same `webhook-id`, a new attempt schedule)",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  params: webhookDeliveryIdParam,
  responses: { 202: { description: "Queued", schema: webhookDeliverySchema } },
  errors: [403, 404, 409],
});

export const webhookDeliveriesReplayFailed = operation({
  service: "auth",
  id: "webhookDeliveries.replayFailed",
  method: "post",
  path: "/webhook-deliveries/replay-failed",
  summary: "Send again every failed delivery of an endpoint since a time",
  tags: ["webhooks"],
  security: "bearer",
  roles: owners,
  scopes: ["webhooks:write"],
  body: replayFailedBody,
  responses: {
    202: {
      description: "How many were queued",
      schema: component("WebhookReplayResult", z.object({ replayed: z.int() })),
    },
  },
  errors: [403, 404],
});

export const WEBHOOK_OPERATIONS = [
  webhookEndpointsCreate,
  webhookEndpointsList,
  webhookEndpointsUpdate,
  webhookEndpointsDelete,
  webhookEndpointsRotateSecret,
  webhookEndpointsSendTest,
  webhookDeliveriesList,
  webhookDeliveriesReplay,
  webhookDeliveriesReplayFailed,
] as const;
