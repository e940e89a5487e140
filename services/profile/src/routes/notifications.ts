import type { AuthEnv } from "@payments/auth-verify";
import {
  honoPath,
  notificationsList,
  notificationsMarkAllRead,
  notificationsMarkRead,
  notificationsUnreadCount,
} from "@payments/contracts/http";
import { type KitEnv, validate } from "@payments/service-kit";
import { Hono, type MiddlewareHandler } from "hono";
import { listOwnNotifications, markAllOwnRead, markOwnRead, unreadCount } from "../actions/notifications.ts";
import type { ProfileCore } from "../core.ts";

/** The caller's notification centre (docs/adr/0028); no route names another user. */
export function notificationRoutes(core: ProfileCore, user: MiddlewareHandler<AuthEnv>): Hono<KitEnv> {
  const app = new Hono<KitEnv>();

  app.get(honoPath(notificationsList), user, validate("query", notificationsList.query), async (c) =>
    c.json(await listOwnNotifications(core, c.var.auth.userId, c.req.valid("query"))),
  );

  app.get(
    honoPath(notificationsUnreadCount),
    user,
    validate("query", notificationsUnreadCount.query),
    async (c) => c.json(await unreadCount(core, c.var.auth.userId)),
  );

  // Registered before `/{id}/read` reads "read-all" as an id (it is not one: the id schema refuses it).
  app.post(
    honoPath(notificationsMarkAllRead),
    user,
    validate("query", notificationsMarkAllRead.query),
    async (c) => c.json(await markAllOwnRead(core, c.var.auth.userId)),
  );

  app.post(
    honoPath(notificationsMarkRead),
    user,
    validate("param", notificationsMarkRead.params),
    validate("query", notificationsMarkRead.query),
    async (c) => c.json(await markOwnRead(core, c.var.auth.userId, c.req.valid("param").id)),
  );

  return app;
}
