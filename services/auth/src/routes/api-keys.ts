import { type AuthEnv, insufficientRole } from "@payments/auth-verify";
import { apiKeysCreate, apiKeysList, apiKeysRevoke, apiKeysToken, honoPath } from "@payments/contracts/http";
import { type KitEnv, notFound, validate } from "@payments/service-kit";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { createApiKey, exchangeApiKey, listUserApiKeys, revokeUserApiKey } from "../actions/api-keys.ts";
import type { AuthCore } from "../actions/core.ts";
import { clientMeta, type Guards } from "./http.ts";

type AuthedContext = Context<KitEnv & AuthEnv>;

/** Vendors and admins hold keys (their systems call the API); customers pay in the browser. */
function keyOwner(c: AuthedContext): string {
  const { role, userId } = c.var.auth;
  if (role !== "vendor" && role !== "admin") throw insufficientRole();
  return userId;
}

/** `POST|GET /api-keys`, `DELETE /api-keys/:id`, `POST /api-keys/token` (docs/adr/0033). */
export function apiKeyRoutes(core: AuthCore, guards: Guards): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  // The role before anything about the request: a customer is refused (403) whatever it sends.
  const holder = createMiddleware<KitEnv & AuthEnv>(async (c, next) => {
    keyOwner(c);
    await next();
  });

  // The exchange first: `/api-keys/token` is a path of its own, not an id.
  app.post(honoPath(apiKeysToken), validate("json", apiKeysToken.body), async (c) =>
    c.json(await exchangeApiKey(core, c.req.valid("json").api_key)),
  );

  app.post(honoPath(apiKeysCreate), guards.user, holder, validate("json", apiKeysCreate.body), async (c) => {
    const created = await createApiKey(core, keyOwner(c), c.req.valid("json"));
    return c.json(created, 201);
  });

  app.get(honoPath(apiKeysList), guards.user, holder, validate("query", apiKeysList.query), async (c) =>
    c.json(await listUserApiKeys(core, keyOwner(c), c.req.valid("query"))),
  );

  app.delete(
    honoPath(apiKeysRevoke),
    guards.user,
    holder,
    validate("param", apiKeysRevoke.params, () => notFound("No such API key.", "api_key_not_found")),
    async (c) => {
      const owner = keyOwner(c);
      const { traceparent } = clientMeta(c, core.settings);
      return c.json(await revokeUserApiKey(core, owner, c.req.valid("param").id, traceparent));
    },
  );
  return app;
}
