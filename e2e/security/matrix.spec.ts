/**
 * BOLA/BFLA matrix: every operation of the merged OpenAPI document × {anonymous, another customer, the
 * vendor, an admin, the owner}, around one payment P (owner → vendor) and one session S of the owner,
 * each request otherwise valid, judged against the policy table in support/routes.ts. Then the side
 * effects: what a denied actor tried did not happen; lists never show other people's payments.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { baseline } from "../fuzz/generate.ts";
import { listOperations, type Operation } from "../fuzz/openapi.ts";
import type { FuzzContext } from "../fuzz/values.ts";
import { casePath } from "../fuzz/wire.ts";
import { type Account, Api, asRecord, errorShapeProblem, str } from "../support/api.ts";
import { edgeOrigin, readE2eEnv } from "../support/config.ts";
import { ACTORS, type Actor, type Expectation, policyOf } from "../support/routes.ts";

const api = new Api("gateway");
const env = readE2eEnv();
let operations: Operation[] = [];
const accounts = {} as Record<Exclude<Actor, "anonymous">, Account>;
let ctx: FuzzContext;
let loginTarget: Account;

test.beforeAll(async () => {
  operations = listOperations((await api.call("GET", "/api/openapi.json")).json);
  const owner = await api.register("customer", "bola-owner");
  const vendor = await api.register("vendor", "bola-vendor");
  accounts.owner = owner;
  accounts.vendor = vendor;
  accounts.otherCustomer = await api.register("customer", "bola-other");
  accounts.admin = {
    id: "",
    email: env.adminEmail,
    password: env.adminPassword,
    name: "admin",
    role: "admin",
  };
  loginTarget = await api.register("customer", "bola-login");
  const target = await api.register("customer", "bola-target");
  const payment = await api.pay(owner.token, vendor.id, 10_000);
  await api.waitForStatus(owner.token, str(payment, "id"), ["succeeded"]);
  const session = await api.login(owner);
  let n = 0;
  ctx = {
    customerId: owner.id,
    vendorId: vendor.id,
    paymentId: str(payment, "id"),
    targetUserId: target.id,
    loginEmail: loginTarget.email,
    sessionId: session.sessionId,
    nonce: () => `bola-${++n}-${randomUUID().slice(0, 8)}`,
  };
});

test("every documented operation has an access policy", () => {
  const missing = operations
    .filter((op) => !policyOf(op.method, op.path))
    .map((op) => `${op.method} ${op.path}`);
  expect(missing, "add them to e2e/support/routes.ts").toEqual([]);
});

/** An otherwise valid request for `op` (the fuzzer's baseline with fixed bodies where it matters). */
function validRequest(op: Operation): { path: string; body: unknown; headers: Record<string, string> } {
  const c = baseline(op, ctx);
  const key = `${op.method} ${op.path}`;
  let body: unknown = c.body.kind === "json" ? c.body.value : undefined;
  if (key === "POST /api/auth/login") body = { email: loginTarget.email, password: loginTarget.password };
  if (key === "POST /api/payments/{id}/refunds") body = { amount: 1 };
  if (key === "PATCH /api/auth/admin/users/{id}") body = { active: true };
  const headers = { ...c.headers };
  if (key === "POST /api/auth/refresh") headers.origin = edgeOrigin(env);
  return { path: casePath(op, c), body, headers };
}

function verdict(expected: Expectation, status: number): boolean {
  if (status >= 500 || status === 0) return false;
  if (expected === "allow") return ![401, 403, 404].includes(status);
  return status === expected;
}

test("BOLA/BFLA matrix: each actor gets exactly what the policy says on every route", async () => {
  // A fresh login (argon2) per cell: ~85 routes × 5 actors since API keys and webhooks (issue 23).
  test.setTimeout(360_000);
  const failures: string[] = [];
  const table: string[] = [];
  let refundsAllowed = 0;
  for (const actor of ACTORS) {
    for (const op of operations) {
      const policy = policyOf(op.method, op.path);
      if (!policy) continue;
      // A session per cell: some routes end sessions, and tokens live 3 minutes here.
      const token = actor === "anonymous" ? undefined : (await api.login(accounts[actor])).token;
      // The owner's own earlier cells (logout-all, end other sessions) ended S: end a live one instead.
      if (actor === "owner" && op.path === "/api/auth/sessions/{id}") {
        ctx.sessionId = (await api.login(accounts.owner)).sessionId;
      }
      const req = validRequest(op);
      const res = await api.call(op.method, req.path, { token, body: req.body, headers: req.headers });
      const expected = policy.expect[actor];
      table.push(
        `${actor.padEnd(13)} ${op.method.padEnd(6)} ${op.path.padEnd(40)} ${res.status} (expected ${expected})`,
      );
      if (!verdict(expected, res.status)) {
        failures.push(
          `${actor} ${op.method} ${op.path}: ${res.status} expected ${expected} — ${res.text.slice(0, 140)}`,
        );
      } else if (res.status >= 400 && errorShapeProblem(res)) {
        failures.push(`${actor} ${op.method} ${op.path}: ${errorShapeProblem(res)}`);
      }
      if (op.path === "/api/payments/{id}/refunds" && res.status === 201) refundsAllowed++;
    }
  }
  await test.info().attach("matrix.txt", { body: table.join("\n"), contentType: "text/plain" });
  expect(failures).toEqual([]);
  // Side effects: only the vendor's and the admin's 1-cent refunds happened; nobody else moved money.
  expect(refundsAllowed).toBe(2);
  const owner = await api.login(accounts.owner);
  const payment = asRecord(
    (await api.call("GET", `/api/payments/${ctx.paymentId}`, { token: owner.token })).json,
  );
  expect(payment.amount_refunded).toBe(2);
  expect(payment.status).toBe("partially_refunded");
});

test("lists never show another user's payments, and filtering by someone else is refused", async () => {
  const other = await api.login(accounts.otherCustomer);
  const vendor = await api.login(accounts.vendor);
  const ids = async (token: string, query = "") => {
    const res = await api.call("GET", `/api/payments?limit=100${query}`, { token });
    expect(res.status, res.text).toBe(200);
    return (asRecord(res.json).data as Array<{ id: string }>).map((p) => p.id);
  };
  expect(await ids(other.token)).not.toContain(ctx.paymentId);
  expect(await ids(vendor.token)).toContain(ctx.paymentId);
  const spying = await api.call("GET", `/api/payments?user_id=${accounts.owner.id}`, { token: other.token });
  expect(spying.status).toBe(403);
  const history = await api.call("GET", `/api/payments/${ctx.paymentId}/history`, { token: other.token });
  expect(history.status).toBe(404);
});

test("another user's session cannot be listed or ended", async () => {
  const owner = await api.login(accounts.owner);
  const victimSession = owner.sessionId;
  for (const actor of ["otherCustomer", "vendor", "admin"] as const) {
    const { token } = await api.login(accounts[actor]);
    const sessions = asRecord((await api.call("GET", "/api/auth/sessions?limit=100", { token })).json);
    expect((sessions.data as Array<{ id: string }>).map((s) => s.id)).not.toContain(victimSession);
    expect((await api.call("DELETE", `/api/auth/sessions/${victimSession}`, { token })).status).toBe(404);
  }
  expect((await api.call("GET", "/api/auth/me", { token: owner.token })).status).toBe(200);
});
