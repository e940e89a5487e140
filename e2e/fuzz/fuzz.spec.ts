/**
 * Fuzzing from the merged OpenAPI document: at least 200 malformed requests per operation (seeded, so a
 * failure replays with the same FUZZ_SEED), sent to the gateway with a valid token for the operation's
 * role so the validation layer — not just authentication — is exercised, and a sample through Caddy.
 * Every answer must be < 500; every error must have the uniform shape with the echoed request id; every
 * request the documented schema certainly refuses must get a 4xx.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { type Account, Api, errorShapeProblem, str } from "../support/api.ts";
import { readE2eEnv, readFuzzEnv } from "../support/config.ts";
import type { HttpResult } from "../support/http.ts";
import { pool } from "../support/http.ts";
import { policyOf } from "../support/routes.ts";
import { Session } from "../support/session.ts";
import { type FuzzCase, generateCases } from "./generate.ts";
import { listOperations, type Operation } from "./openapi.ts";
import { type FuzzContext, hash, prng } from "./values.ts";
import { casePath } from "./wire.ts";

const gateway = new Api("gateway");
const fuzzEnv = readFuzzEnv();
/** Requests of each operation also sent through Caddy (TLS, its own limits and headers). */
const EDGE_SAMPLE = 10;

let operations: Operation[] = [];
let customer: Session;
let vendor: Session;
let admin: Session;
let shared: Omit<FuzzContext, "sessionId" | "nonce">;

test.beforeAll(async () => {
  const env = readE2eEnv();
  const doc = await gateway.call("GET", "/api/openapi.json");
  expect(doc.status).toBe(200);
  operations = listOperations(doc.json);
  const c = await gateway.register("customer", "fuzz-payer");
  const v = await gateway.register("vendor", "fuzz-payee");
  const target = await gateway.register("customer", "fuzz-target");
  const loginTarget = await gateway.register("customer", "fuzz-login");
  customer = new Session(gateway, c);
  vendor = new Session(gateway, v);
  admin = new Session(gateway, {
    id: "",
    email: env.adminEmail,
    password: env.adminPassword,
    name: "admin",
    role: "admin",
  });
  const payment = await gateway.pay(c.token, v.id, 50_000);
  const id = str(payment, "id");
  await gateway.waitForStatus(c.token, id, ["succeeded"]);
  shared = {
    customerId: c.id,
    vendorId: v.id,
    paymentId: id,
    targetUserId: target.id,
    loginEmail: loginTarget.email,
  };
});

interface Failure {
  operation: string;
  label: string;
  status: number;
  problem: string;
}

function check(c: FuzzCase, res: HttpResult): string | undefined {
  if (res.status >= 500) return `server error ${res.status}: ${res.text.slice(0, 160)}`;
  if (c.mustReject && (res.status < 400 || res.status >= 500))
    return `accepted (${res.status}) a request the schema refuses`;
  if (res.status >= 400) return errorShapeProblem(res);
  return undefined;
}

function sessionFor(op: Operation): Session | undefined {
  const who = policyOf(op.method, op.path)?.fuzzAs ?? "customer";
  if (who === "none") return undefined;
  return who === "admin" ? admin : who === "vendor" ? vendor : customer;
}

function toRequest(op: Operation, c: FuzzCase, token: string | undefined) {
  const headers: Record<string, string> = { ...c.headers };
  if (c.auth) {
    if (c.auth.header !== undefined) headers.authorization = c.auth.header;
  } else if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (c.body.kind === "json") {
    body = JSON.stringify(c.body.value);
    headers["content-type"] ??= "application/json";
  } else if (c.body.kind === "raw") {
    body = c.body.text;
    headers["content-type"] ??= c.body.contentType;
  }
  return { path: casePath(op, c), headers, body };
}

/** Sends every case of `op`; sessions are renewed between chunks (some operations end them on purpose). */
async function fuzzOperation(op: Operation): Promise<{ sent: number; failures: Failure[] }> {
  const policy = policyOf(op.method, op.path);
  let session = sessionFor(op);
  // Operations that end sessions or change credentials get users of their own, a new one per chunk (a
  // wrong current password counts as a failed sign-in, so signing the same user in again would be throttled).
  const ownUser = async () =>
    new Session(gateway, (await gateway.register("customer", "fuzz-own")) as Account);
  if (session && policy?.endsSessions) session = await ownUser();
  const rnd = prng(fuzzEnv.seed ^ hash(`${op.method} ${op.path}`));
  let counter = 0;
  const ctx: FuzzContext = {
    ...shared,
    sessionId: session ? await session.sessionId() : "ses_0zzzzzzzzzzzzzzzzzzzzzzzzz",
    nonce: () => `${hash(op.path) % 1000}-${++counter}-${randomUUID().slice(0, 8)}`,
  };
  const cases = generateCases(op, ctx, {
    count: fuzzEnv.casesPerOperation,
    rnd,
    authenticated: policy?.expect.anonymous === 401,
  });
  const failures: Failure[] = [];
  const edge = new Api("edge");
  for (let start = 0; start < cases.length; start += 25) {
    if (session && policy?.endsSessions && start > 0) session = await ownUser();
    const token = session ? await session.token() : undefined;
    const chunk = cases.slice(start, start + 25);
    await pool(
      6,
      chunk.map((c, i) => async () => {
        const req = toRequest(op, c, token);
        const api = (start + i) % Math.ceil(cases.length / EDGE_SAMPLE) === 0 ? edge : gateway;
        let res: HttpResult;
        try {
          res = await api.call(op.method, req.path, { headers: req.headers, body: req.body });
        } catch (error) {
          // A server may answer an oversized upload early and close the socket while it is still being sent.
          if (req.body && req.body.length > 1_000_000 && /EPIPE|ECONNRESET/.test(String(error))) return;
          failures.push({
            operation: `${op.method} ${op.path}`,
            label: c.label,
            status: 0,
            problem: String(error),
          });
          return;
        }
        const problem = check(c, res);
        if (problem)
          failures.push({
            operation: `${op.method} ${op.path}`,
            label: c.label,
            status: res.status,
            problem,
          });
      }),
    );
  }
  return { sent: cases.length, failures };
}

/** Auth's mail-backed routes (docs/adr/0017): a group of their own, so each auth group fits its time limit. */
const AUTH_MAIL = /^\/api\/auth\/(email\/|password\/(forgot|reset)$|invitations\/|admin\/invitations$|dev\/)/;

const GROUPS: Array<{ name: string; match: (path: string) => boolean }> = [
  { name: "auth", match: (p) => p.startsWith("/api/auth/") && !AUTH_MAIL.test(p) },
  { name: "auth mail", match: (p) => AUTH_MAIL.test(p) },
  { name: "payments", match: (p) => p.startsWith("/api/payments") },
  { name: "admin", match: (p) => p.startsWith("/api/admin/") },
  { name: "profile", match: (p) => p.startsWith("/api/profile/") },
  {
    name: "gateway",
    match: (p) => p.startsWith("/api/realtime/") || p === "/api/analytics" || p === "/api/monitoring",
  },
];

test("every documented operation belongs to a fuzzed group", () => {
  const orphans = operations.filter((op) => !GROUPS.some((g) => g.match(op.path)));
  expect(orphans.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  expect(operations.length).toBeGreaterThan(20);
});

for (const group of GROUPS) {
  test(`${group.name}: malformed requests get 4xx in the uniform shape, never 5xx`, async () => {
    test.setTimeout(240_000);
    const ops = operations.filter((op) => group.match(op.path));
    expect(ops.length).toBeGreaterThan(0);
    let snapshot: HttpResult | undefined;
    if (group.name === "admin")
      snapshot = await gateway.call("GET", "/api/admin/config", { token: await admin.token() });
    const failures: Failure[] = [];
    let sent = 0;
    // Seconds per operation: the slowest are named in the log, so a group that grows slow says where.
    const took: Array<{ op: string; seconds: number }> = [];
    try {
      for (const op of ops) {
        const started = performance.now();
        const result = await fuzzOperation(op);
        took.push({ op: `${op.method} ${op.path}`, seconds: (performance.now() - started) / 1000 });
        expect(result.sent).toBeGreaterThanOrEqual(200);
        sent += result.sent;
        failures.push(...result.failures);
      }
    } finally {
      if (snapshot) await restoreConfig(snapshot);
    }
    const slowest = took
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 3)
      .map((t) => `${t.op} ${t.seconds.toFixed(1)} s`)
      .join(", ");
    console.log(
      `fuzz ${group.name}: ${ops.length} operations, ${sent} requests, ${failures.length} failed; slowest: ${slowest}`,
    );
    test.info().annotations.push({
      type: "fuzz",
      description: `${ops.length} operations, ${sent} requests, seed ${fuzzEnv.seed}`,
    });
    await test
      .info()
      .attach("failures.json", { body: JSON.stringify(failures, null, 2), contentType: "application/json" });
    const summary = failures
      .slice(0, 40)
      .map((f) => `${f.operation} [${f.label}] → ${f.status}: ${f.problem}`);
    expect(summary, `${failures.length} of ${sent} requests failed`).toEqual([]);
  });
}

/** Puts the system config back as it was before the admin group (a valid fuzz case may have changed it). */
async function restoreConfig(snapshot: HttpResult): Promise<void> {
  const token = await admin.token();
  const now = await gateway.call("GET", "/api/admin/config", { token });
  const before = snapshot.json as { settings?: unknown; version?: number };
  const current = now.json as { version?: number };
  if (before.version === current.version || before.settings === undefined) return;
  const res = await gateway.call("PUT", "/api/admin/config", {
    token,
    body: { settings: before.settings, expected_version: current.version },
  });
  expect(res.status, `restoring the system config: ${res.text}`).toBeLessThan(300);
}
