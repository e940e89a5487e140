import { type AuthEnv, insufficientRole } from "@payments/auth-verify";
import {
  honoPath,
  webhookDeliveriesList,
  webhookDeliveriesReplay,
  webhookDeliveriesReplayFailed,
  webhookEndpointsCreate,
  webhookEndpointsDelete,
  webhookEndpointsList,
  webhookEndpointsRotateSecret,
  webhookEndpointsSendTest,
  webhookEndpointsUpdate,
} from "@payments/contracts/http";
import { type KitEnv, notFound, validate } from "@payments/service-kit";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { WebhooksCore } from "./core.ts";
import { listUserDeliveries, replayDelivery, replayFailedSince, sendTestEvent } from "./deliveries.ts";
import {
  changeEndpoint,
  createEndpoint,
  endpointNotFound,
  listUserEndpoints,
  removeEndpoint,
  rotateSecret,
} from "./endpoints.ts";

type AuthedContext = Context<KitEnv & AuthEnv>;

/** Vendors and admins own endpoints (as API keys). */
function owner(c: AuthedContext): string {
  const { role, userId } = c.var.auth;
  if (role !== "vendor" && role !== "admin") throw insufficientRole();
  return userId;
}

const deliveryNotFound = () => notFound("No such webhook delivery.", "webhook_delivery_not_found");

/** Webhook endpoints and the delivery log (docs/adr/0034); `guard` admits people and scoped API keys. */
export function webhookRoutes(core: WebhooksCore, authGuard: MiddlewareHandler<AuthEnv>): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  // The role before anything about the request: a customer is refused (403) whatever it sends.
  const holder = createMiddleware<KitEnv & AuthEnv>(async (c, next) => {
    owner(c);
    await next();
  });
  const guard = [authGuard, holder] as const;

  app.post(
    honoPath(webhookEndpointsCreate),
    ...guard,
    validate("json", webhookEndpointsCreate.body),
    async (c) => c.json(await createEndpoint(core, owner(c), c.req.valid("json")), 201),
  );
  app.get(
    honoPath(webhookEndpointsList),
    ...guard,
    validate("query", webhookEndpointsList.query),
    async (c) => c.json(await listUserEndpoints(core, owner(c), c.req.valid("query"))),
  );
  app.patch(
    honoPath(webhookEndpointsUpdate),
    ...guard,
    validate("param", webhookEndpointsUpdate.params, endpointNotFound),
    validate("json", webhookEndpointsUpdate.body),
    async (c) => c.json(await changeEndpoint(core, owner(c), c.req.valid("param").id, c.req.valid("json"))),
  );
  app.delete(
    honoPath(webhookEndpointsDelete),
    ...guard,
    validate("param", webhookEndpointsDelete.params, endpointNotFound),
    async (c) => {
      await removeEndpoint(core, owner(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  app.post(
    honoPath(webhookEndpointsRotateSecret),
    ...guard,
    validate("param", webhookEndpointsRotateSecret.params, endpointNotFound),
    async (c) => c.json(await rotateSecret(core, owner(c), c.req.valid("param").id)),
  );
  app.post(
    honoPath(webhookEndpointsSendTest),
    ...guard,
    validate("param", webhookEndpointsSendTest.params, endpointNotFound),
    async (c) => c.json(await sendTestEvent(core, owner(c), c.req.valid("param").id), 202),
  );

  app.get(
    honoPath(webhookDeliveriesList),
    ...guard,
    validate("query", webhookDeliveriesList.query),
    async (c) => c.json(await listUserDeliveries(core, owner(c), c.req.valid("query"))),
  );
  // The literal path before `/{id}/replay` cannot clash (different depth), but keep it first for readers.
  app.post(
    honoPath(webhookDeliveriesReplayFailed),
    ...guard,
    validate("json", webhookDeliveriesReplayFailed.body),
    async (c) => {
      const body = c.req.valid("json");
      const replayed = await replayFailedSince(core, owner(c), body.endpoint_id, new Date(body.since));
      return c.json({ replayed }, 202);
    },
  );
  app.post(
    honoPath(webhookDeliveriesReplay),
    ...guard,
    validate("param", webhookDeliveriesReplay.params, deliveryNotFound),
    async (c) => c.json(await replayDelivery(core, owner(c), c.req.valid("param").id), 202),
  );
  return app;
}
