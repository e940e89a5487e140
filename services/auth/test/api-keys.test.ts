import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createJwtVerifier } from "@payments/auth-verify";
import { apiKeysToken, OPERATIONS, type OperationSpec } from "@payments/contracts/http";
import { hashApiKeySecret } from "../src/actions/api-keys.ts";
import { apiKeys } from "../src/db/api-key-schema.ts";
import { adapters, buildApp, errorOf, openTestDb, register, type TestApp, type TestDb } from "./support.ts";

let testDb: TestDb;
let t: TestApp;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
}, 120_000);
afterAll(() => testDb.close());

interface CreatedKey {
  id: string;
  secret: string;
  last4: string;
  prefix: string;
  scopes: string[];
  last_used_at: string | null;
  revoked_at: string | null;
}

const create = (token: string, body: unknown) => t.request("/api-keys", { json: body, token });
const exchange = (secret: string) => t.request(apiKeysToken.path, { json: { api_key: secret } });

describe(`API keys (${adapters})`, () => {
  test("a vendor creates a key: the secret is shown once and stored only as its SHA-256", async () => {
    const vendor = await register(t, { role: "vendor" });
    const res = await create(vendor.access_token, { name: "Shop backend", scopes: ["payments:read"] });
    expect(res.status).toBe(201);
    const key = (await res.json()) as CreatedKey;
    expect(key.secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(key.id).toMatch(/^apk_/);
    expect(key.prefix).toBe("sk_");
    expect(key.last4).toBe(key.secret.slice(-4));
    const rows = await testDb.db.select().from(apiKeys);
    const row = rows.find((r) => r.id === key.id);
    expect(row?.secretHash).toBe(hashApiKeySecret(key.secret));
    // No column holds the secret itself.
    expect(JSON.stringify(row)).not.toContain(key.secret);

    const list = await t.request("/api-keys", { token: vendor.access_token });
    expect(list.status).toBe(200);
    const page = (await list.json()) as { data: Record<string, unknown>[]; has_more: boolean };
    expect(page.data.map((k) => k.id)).toEqual([key.id]);
    expect(page.data[0]).not.toHaveProperty("secret");
    expect(page.data[0]?.last_used_at).toBeNull();
  });

  test("customers cannot hold keys; scopes must be known and not repeat", async () => {
    const customer = await register(t);
    const refused = await create(customer.access_token, { name: "x", scopes: ["payments:read"] });
    expect(refused.status).toBe(403);
    // The role is checked before anything the request carries: a malformed body or id is still 403.
    expect((await create(customer.access_token, { name: 1 })).status).toBe(403);
    expect(
      (await t.request("/api-keys/nope", { method: "DELETE", token: customer.access_token })).status,
    ).toBe(403);
    expect(
      (await t.request("/webhook-endpoints/nope", { method: "DELETE", token: customer.access_token })).status,
    ).toBe(403);
    const vendor = await register(t, { role: "vendor" });
    expect((await create(vendor.access_token, { name: "x", scopes: ["payments:delete"] })).status).toBe(400);
    expect(
      (await create(vendor.access_token, { name: "x", scopes: ["payments:read", "payments:read"] })).status,
    ).toBe(400);
    expect((await create(vendor.access_token, { name: " ", scopes: ["payments:read"] })).status).toBe(400);
  });

  test("the exchange gives a short-lived token naming the key and its scopes, and records the use", async () => {
    const vendor = await register(t, { role: "vendor" });
    const key = (await (
      await create(vendor.access_token, { name: "k", scopes: ["payments:read", "refunds:write"] })
    ).json()) as CreatedKey;
    const res = await exchange(key.secret);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; api_key_id: string };
    expect(body.api_key_id).toBe(key.id);
    expect(body.expires_in).toBe(60);
    const verifier = createJwtVerifier({
      jwks: await t.keys.jwks(),
      issuer: t.settings.tokens.issuer,
      audience: t.settings.tokens.audience,
      now: t.clock.now,
    });
    const auth = await verifier.verify(body.access_token);
    expect(auth.userId).toBe(vendor.user.id as typeof auth.userId);
    expect(auth.role).toBe("vendor");
    expect(auth.apiKey).toEqual({
      id: key.id as `apk_${string}`,
      scopes: ["payments:read", "refunds:write"],
    });
    const listed = (await (await t.request("/api-keys", { token: vendor.access_token })).json()) as {
      data: CreatedKey[];
    };
    expect(listed.data[0]?.last_used_at).toBe(t.clock.now().toISOString());
    // A key token cannot manage keys or reach any auth route: none of them names a scope.
    const withKey = await t.request("/api-keys", { token: body.access_token });
    expect(withKey.status).toBe(403);
    expect((await errorOf(withKey)).code).toBe("insufficient_scope");
    expect((await t.request("/me", { token: body.access_token })).status).toBe(403);
  });

  test("revoking refuses further exchanges and announces the key's session in session.revoked", async () => {
    const vendor = await register(t, { role: "vendor" });
    const key = (await (
      await create(vendor.access_token, { name: "k", scopes: ["payments:read"] })
    ).json()) as CreatedKey;
    const token = ((await (await exchange(key.secret)).json()) as { access_token: string }).access_token;
    const sid = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).sid as string;
    const res = await t.request(`/api-keys/${key.id}`, { method: "DELETE", token: vendor.access_token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as CreatedKey).revoked_at).not.toBeNull();
    const refused = await exchange(key.secret);
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("invalid_api_key");
    const revoked = (await t.events()).filter(
      (e) => e.type === "session.revoked" && e.subject === vendor.user.id,
    );
    expect(revoked.map((e) => e.data)).toEqual([
      { user_id: vendor.user.id, session_ids: [sid], reason: "api_key_revoked" },
    ]);
    // Another user cannot see or revoke it.
    const other = await register(t, { role: "vendor" });
    expect(
      (await t.request(`/api-keys/${key.id}`, { method: "DELETE", token: other.access_token })).status,
    ).toBe(404);
  });

  test("an unknown secret of the right shape is refused, a malformed one is 400", async () => {
    expect((await exchange(`sk_${"A".repeat(43)}`)).status).toBe(401);
    expect((await exchange("sk_short")).status).toBe(400);
  });

  test("every payments and webhook operation names the scope an API key needs; auth's own name none", () => {
    const operations: readonly OperationSpec[] = OPERATIONS;
    const scoped = operations.filter((op) => op.id.startsWith("payments.") || op.id.startsWith("webhook"));
    expect(scoped.length).toBeGreaterThan(0);
    for (const op of scoped)
      expect({ op: op.id, scopes: op.scopes?.length ?? 0 }).not.toEqual({ op: op.id, scopes: 0 });
    for (const op of operations.filter((o) => o.service === "auth" && !o.id.startsWith("webhook")))
      expect({ op: op.id, scopes: op.scopes }).toEqual({ op: op.id, scopes: undefined });
  });
});
