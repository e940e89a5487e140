import { newId } from "@payments/contracts";
import type { WebhookEndpointView } from "@payments/contracts/http";
import { badRequest, conflict, notFound } from "@payments/service-kit";
import type { WebhooksCore } from "./core.ts";
import {
  countEndpoints,
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  updateEndpoint,
} from "./queries.ts";
import type { WebhookEndpointRow } from "./schema.ts";
import { newWebhookSecret } from "./signing.ts";
import { refuseTarget } from "./targets.ts";
import { toEndpointView } from "./views.ts";

/** Endpoints one user may have. */
export const MAX_ENDPOINTS = 20;
/** How long the previous secret still signs after a rotation. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 3600_000;

export const endpointNotFound = () => notFound("No such webhook endpoint.", "webhook_endpoint_not_found");

/** The caller's endpoint, or 404 (another user's endpoint does not exist for them). */
export async function ownEndpoint(
  core: WebhooksCore,
  userId: string,
  id: string,
): Promise<WebhookEndpointRow> {
  const row = await findEndpoint(core.db, id);
  if (!row || row.userId !== userId) throw endpointNotFound();
  return row;
}

async function assertTarget(core: WebhooksCore, url: string): Promise<void> {
  const refused = await refuseTarget(url, core.settings, core.resolve);
  if (refused) throw badRequest("invalid_url", `This URL cannot receive webhooks: ${refused}.`, "url");
}

type WithSecret = WebhookEndpointView & { secret: string };

export async function createEndpoint(
  core: WebhooksCore,
  userId: string,
  input: { url: string; events: string[]; description?: string | undefined },
): Promise<WithSecret> {
  await assertTarget(core, input.url);
  if ((await countEndpoints(core.db, userId)) >= MAX_ENDPOINTS)
    throw conflict(
      "too_many_webhook_endpoints",
      `At most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`,
    );
  const secret = newWebhookSecret();
  const now = core.now();
  const row: WebhookEndpointRow = {
    id: newId("whe"),
    userId,
    url: input.url,
    description: input.description ?? "",
    events: input.events.join(" "),
    secret: await core.secrets.seal(secret),
    previousSecret: null,
    previousSecretExpiresAt: null,
    secretRotatedAt: null,
    status: "enabled",
    disabledReason: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertEndpoint(core.db, row);
  return { ...toEndpointView(row), secret };
}

export async function listUserEndpoints(
  core: WebhooksCore,
  userId: string,
  q: { limit: number; starting_after?: string | undefined },
): Promise<{ data: WebhookEndpointView[]; has_more: boolean }> {
  const rows = await listEndpoints(core.db, userId, q.limit, q.starting_after);
  return { data: rows.slice(0, q.limit).map(toEndpointView), has_more: rows.length > q.limit };
}

export async function changeEndpoint(
  core: WebhooksCore,
  userId: string,
  id: string,
  input: {
    url?: string | undefined;
    events?: string[] | undefined;
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
): Promise<WebhookEndpointView> {
  const row = await ownEndpoint(core, userId, id);
  if (input.url !== undefined) await assertTarget(core, input.url);
  const patch: Partial<WebhookEndpointRow> = { updatedAt: core.now() };
  if (input.url !== undefined) patch.url = input.url;
  if (input.events !== undefined) patch.events = input.events.join(" ");
  if (input.description !== undefined) patch.description = input.description;
  if (input.enabled === false) Object.assign(patch, { status: "disabled", disabledReason: "by_owner" });
  // Enabled again: its failure streak starts over.
  if (input.enabled === true)
    Object.assign(patch, { status: "enabled", disabledReason: null, failingSince: null });
  const updated = await updateEndpoint(core.db, row.id, patch);
  if (!updated) throw endpointNotFound();
  return toEndpointView(updated);
}

export async function removeEndpoint(core: WebhooksCore, userId: string, id: string): Promise<void> {
  await ownEndpoint(core, userId, id);
  await deleteEndpoint(core.db, id);
}

/** A new secret; the current one becomes the previous and keeps signing for 24 h. */
export async function rotateSecret(core: WebhooksCore, userId: string, id: string): Promise<WithSecret> {
  const row = await ownEndpoint(core, userId, id);
  const secret = newWebhookSecret();
  const now = core.now();
  const updated = await updateEndpoint(core.db, row.id, {
    secret: await core.secrets.seal(secret),
    previousSecret: row.secret,
    previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS),
    secretRotatedAt: now,
    updatedAt: now,
  });
  if (!updated) throw endpointNotFound();
  return { ...toEndpointView(updated), secret };
}

/** The secrets that sign a delivery now: the current one, and the previous one while it is valid. */
export async function signingSecrets(
  core: WebhooksCore,
  row: WebhookEndpointRow,
  now: Date,
): Promise<string[]> {
  const secrets = [await core.secrets.open(row.secret)];
  if (row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now)
    secrets.push(await core.secrets.open(row.previousSecret));
  return secrets;
}
