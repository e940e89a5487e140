/**
 * Auth's API-key and webhook routes against their contract (docs/adr/0033, 0034): each answers as documented,
 * and every such operation is checked against a real answer. The other routes: contract.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  AUTH_OPERATIONS,
  apiKeysCreate,
  apiKeysList,
  apiKeysRevoke,
  apiKeysToken,
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
import { conformsTo, isIntegrationOperation } from "./contract-support.ts";
import { adapters, buildApp, ORIGIN, openTestDb, register, type TestApp, type TestDb } from "./support.ts";

let testDb: TestDb;
let t: TestApp;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
}, 120_000);
afterAll(() => testDb.close());

const exercised = new Set<string>();
const conforms = conformsTo(exercised);

const post = (path: string, json?: unknown, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", headers: { origin: ORIGIN, ...headers }, json });

describe(`auth's API keys and webhooks are its contract (${adapters})`, () => {
  test("API keys answer as documented (docs/adr/0033)", async () => {
    const vendor = await register(t, { role: "vendor" });
    const created = (await conforms(
      apiKeysCreate,
      await t.request("/api-keys", {
        token: vendor.access_token,
        json: { name: "ci", scopes: ["payments:read"] },
      }),
      201,
    )) as { id: string; secret: string };
    await conforms(
      apiKeysCreate,
      await t.request("/api-keys", {
        token: (await register(t)).access_token,
        json: { name: "x", scopes: ["payments:read"] },
      }),
      403,
    );
    await conforms(apiKeysList, await t.request("/api-keys", { token: vendor.access_token }), 200);
    await conforms(apiKeysToken, await post("/api-keys/token", { api_key: created.secret }), 200);
    await conforms(
      apiKeysRevoke,
      await t.request(`/api-keys/${created.id}`, { method: "DELETE", token: vendor.access_token }),
      200,
    );
    await conforms(apiKeysToken, await post("/api-keys/token", { api_key: created.secret }), 401);
    await conforms(
      apiKeysRevoke,
      await t.request("/api-keys/apk_nope", { method: "DELETE", token: vendor.access_token }),
      404,
    );
  });

  test("webhook endpoints and deliveries answer as documented (docs/adr/0034)", async () => {
    // Private targets allowed, as in local demos; nothing is sent (no worker runs here).
    const w = await buildApp(testDb, { webhooks: { allowPrivate: true } });
    const vendor = await register(w, { role: "vendor" });
    const token = vendor.access_token;
    const created = (await conforms(
      webhookEndpointsCreate,
      await w.request("/webhook-endpoints", {
        token,
        json: { url: "http://127.0.0.1:9/hooks", events: ["payment.succeeded"], description: "shop" },
      }),
      201,
    )) as { id: string };
    await conforms(
      webhookEndpointsCreate,
      await w.request("/webhook-endpoints", {
        token,
        json: { url: "ftp://x", events: ["payment.succeeded"] },
      }),
      400,
    );
    await conforms(webhookEndpointsList, await w.request("/webhook-endpoints", { token }), 200);
    await conforms(
      webhookEndpointsUpdate,
      await w.request(`/webhook-endpoints/${created.id}`, {
        method: "PATCH",
        token,
        json: { description: "x" },
      }),
      200,
    );
    await conforms(
      webhookEndpointsRotateSecret,
      await w.request(`/webhook-endpoints/${created.id}/rotate-secret`, { method: "POST", token }),
      200,
    );
    const test = (await conforms(
      webhookEndpointsSendTest,
      await w.request(`/webhook-endpoints/${created.id}/test`, { method: "POST", token }),
      202,
    )) as { id: string };
    await conforms(webhookDeliveriesList, await w.request("/webhook-deliveries", { token }), 200);
    // Still pending (no worker): a replay would race the schedule.
    await conforms(
      webhookDeliveriesReplay,
      await w.request(`/webhook-deliveries/${test.id}/replay`, { method: "POST", token }),
      409,
    );
    await conforms(
      webhookDeliveriesReplayFailed,
      await w.request("/webhook-deliveries/replay-failed", {
        token,
        json: { endpoint_id: created.id, since: "2026-01-01T00:00:00.000Z" },
      }),
      202,
    );
    await conforms(
      webhookEndpointsDelete,
      await w.request(`/webhook-endpoints/${created.id}`, { method: "DELETE", token }),
      204,
    );
    await conforms(
      webhookEndpointsDelete,
      await w.request(`/webhook-endpoints/${created.id}`, { method: "DELETE", token }),
      404,
    );
  });

  test("every API-key and webhook operation was checked against a real answer", () => {
    const here = AUTH_OPERATIONS.filter((op) => isIntegrationOperation(op.id));
    expect([...exercised].sort()).toEqual(here.map((op) => op.id).sort());
  });
});
