/**
 * Property-based conformance: every operation of the served OpenAPI document, called by every role
 * (customer, vendor, admin, anonymous) with VALID requests generated from its own parameter and body
 * schemas (fast-check, seeded by FUZZ_SEED), answers as documented — a documented status, the documented
 * media type, a body valid against the documented schema — never a 5xx, never a validation refusal of what
 * the schema allows, never a success without credentials where the document asks for them.
 *
 * The malformed-request fuzzer (`fuzz.spec.ts`) proves what is refused; this one proves what is accepted.
 *
 * Who acts: fresh users of this file, the admin among them promoted by the seeded admin, which the fuzzer
 * never touches otherwise. Operations are treated specially where a plain run would break the run itself
 * or the journeys beside it (each written down in {@link SESSION_ENDING} and in `requests.ts`):
 * - `auth.logout`, `auth.logoutAll`, `auth.revokeOtherSessions`, `auth.revokeSession`, `auth.changePassword`
 *   end sessions: each run signs a spare user of the role in anew and spends that session.
 * - `auth.updateUser` (admins change roles and deactivate): its path id is a throwaway user, or a random
 *   one (404) — never a fuzz user, never the seeded admin.
 * - `admin.updateConfig`: always with a stale `expected_version` (409), because a real write would change
 *   currencies and limits under the journeys running in parallel.
 */
import { expect, test } from "@playwright/test";
import fc from "fast-check";
import { type Account, Api, str, TEST_PASSWORD } from "../support/api.ts";
import { readE2eEnv, readFuzzEnv } from "../support/config.ts";
import { type HttpResult, pool } from "../support/http.ts";
import { Session } from "../support/session.ts";
import { Conformance } from "./conformance.ts";
import {
  type DocOperation,
  docOperations,
  type FuzzIds,
  requestArbitrary,
  type ValidRequest,
} from "./requests.ts";
import { hash } from "./values.ts";

type Role = "customer" | "vendor" | "admin" | "anonymous";
const ROLES: readonly Role[] = ["customer", "vendor", "admin", "anonymous"];

/** Operations that end the caller's session(s) or change its password: one fresh session per run. */
const SESSION_ENDING = new Set([
  "auth.logout",
  "auth.logoutAll",
  "auth.revokeOtherSessions",
  "auth.revokeSession",
  "auth.changePassword",
]);

/**
 * Mismatches found by this fuzzer whose fix belongs to another part of the platform: each is reported (an
 * annotation and `known.json`) instead of failing the run, so CI stays green on what is already known and
 * red on anything new. Remove an entry when its fix lands (an entry seen 0 times is a hint that it has).
 */
const KNOWN: ReadonlyArray<{ operation: RegExp; request?: RegExp; problem: RegExp; why: string }> = [
  // Empty: the last two (currency codes and time zones documented looser than validated) were fixed by
  // listing both as enums in the contract (components Currency and TimeZone).
];

/** The entry of {@link KNOWN} a failure is, if any. */
function knownAs(f: Failure) {
  return KNOWN.find(
    (k) =>
      k.operation.test(f.operation) && k.problem.test(f.problem) && (!k.request || k.request.test(f.request)),
  );
}

const gateway = new Api("gateway");
const { seed } = readFuzzEnv();
/** Valid requests per operation and role (FUZZ_RUNS): about 40 operations × 4 roles × 8 ≈ 1,300 requests. */
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 8) || 8);
/**
 * Runs of a session-ending operation: each signs in first (a password hash, slow while the malformed
 * fuzzer hammers auth beside this file), so they get a quarter of the runs.
 */
const SESSION_RUNS = Math.max(2, Math.ceil(RUNS / 4));

let doc: Record<string, unknown> = {};
let operations: DocOperation[] = [];
let conformance: Conformance;
const actors = new Map<Role, { main?: Session; spare?: Session }>();
let base: Omit<FuzzIds, "sessionId" | "password">;

/** Registers a user of `role`; admins are registered as customers and promoted by the seeded admin. */
async function user(role: Exclude<Role, "anonymous">, label: string, seededAdmin: string): Promise<Session> {
  const account = await gateway.register(role === "vendor" ? "vendor" : "customer", label);
  if (role === "admin") {
    const res = await gateway.call("PATCH", `/api/auth/admin/users/${account.id}`, {
      token: seededAdmin,
      body: { role: "admin" },
    });
    expect(res.status, `promoting ${label}: ${res.text}`).toBe(200);
  }
  return new Session(gateway, { ...account, role } as Account);
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const env = readE2eEnv();
  const res = await gateway.call("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  doc = res.json as Record<string, unknown>;
  operations = docOperations(doc);
  conformance = new Conformance(doc);
  const seeded = await gateway.login({ email: env.adminEmail, password: env.adminPassword });
  for (const role of ["customer", "vendor", "admin"] as const) {
    const [main, spare] = await Promise.all([
      user(role, `pfuzz-${role}`, seeded.token),
      user(role, `pfuzz-spare-${role}`, seeded.token),
    ]);
    actors.set(role, { main, spare });
  }
  actors.set("anonymous", {});
  const target = await gateway.register("customer", "pfuzz-target");
  const login = await gateway.register("customer", "pfuzz-login");
  const customer = actors.get("customer")?.main as Session;
  const vendor = actors.get("vendor")?.main as Session;
  const payment = await gateway.pay(await customer.token(), vendor.account.id, 50_000);
  const paymentId = str(payment, "id");
  await gateway.waitForStatus(await customer.token(), paymentId, ["succeeded"]);
  const config = await gateway.call("GET", "/api/admin/config/public");
  const currencies = (config.json as { supported_currencies?: string[] }).supported_currencies ?? ["usd"];
  base = {
    paymentId,
    vendorId: vendor.account.id,
    userIds: [customer.account.id, vendor.account.id, target.id],
    targetUserId: target.id,
    currencies,
    login: { email: login.email, password: TEST_PASSWORD },
  };
});

interface Failure {
  operation: string;
  role: Role;
  request: string;
  status: number;
  problem: string;
}

/** The error's `code` and `param`, when the body is the uniform error. */
function errorOf(res: HttpResult): { code?: string; param?: string; message?: string } {
  return (
    (res.json as { error?: { code?: string; param?: string; message?: string } } | undefined)?.error ?? {}
  );
}

/** Problems beyond the document's letter: what no valid request may get. */
function semanticProblems(op: DocOperation, role: Role, res: HttpResult): string[] {
  const out: string[] = [];
  const error = errorOf(res);
  if (res.status >= 500) out.push(`server error ${res.status} (${error.code ?? res.text.slice(0, 80)})`);
  // The validators refusing what the schema allows: the document is looser than the service.
  if (res.status === 400 && (error.code === "invalid_request" || error.code === "unknown_parameter"))
    out.push(`refused a request its schema allows: ${error.code} param=${error.param} "${error.message}"`);
  if (res.status === 415) out.push("refused the documented media type (415)");
  if (role === "anonymous" && !op.public && res.status < 400)
    out.push(`answered ${res.status} without credentials (the operation declares security)`);
  return out;
}

function show(req: ValidRequest): string {
  const body = req.body === undefined ? "" : ` ${JSON.stringify(req.body)}`;
  const headers = Object.keys(req.headers).length > 0 ? ` ${JSON.stringify(req.headers)}` : "";
  return `${req.method} ${req.url}${headers}${body}`.slice(0, 600);
}

/** Sends one request as `session` (undefined: anonymous) and returns its failures. */
async function exercise(op: DocOperation, role: Role, req: ValidRequest, token: string | undefined) {
  const invalid = conformance.requestProblems(op.method, op.path, req.body);
  if (invalid.length > 0) {
    const problem = `the fuzzer generated a body its schema refuses (fuzzer bug): ${invalid.join("; ")}`;
    const failure = {
      operation: `${op.id} (${op.method} ${op.path})`,
      role,
      request: show(req),
      status: 0,
      problem,
    };
    return { res: undefined, failures: [failure] };
  }
  const res = await gateway.call(req.method, req.url, {
    token,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
  });
  const problems = [...conformance.problems(op.method, op.path, res), ...semanticProblems(op, role, res)];
  const failures: Failure[] = problems.map((problem) => ({
    operation: `${op.id} (${op.method} ${op.path})`,
    role,
    request: show(req),
    status: res.status,
    problem,
  }));
  return { res, failures };
}

/** All runs of one operation for one role. */
async function fuzz(
  op: DocOperation,
  role: Role,
): Promise<{ sent: number; ok: number; failures: Failure[] }> {
  const actor = actors.get(role) ?? {};
  const runSeed = (seed ^ hash(`${op.id} ${role}`)) | 0;
  const failures: Failure[] = [];
  let ok = 0;
  if (SESSION_ENDING.has(op.id) && actor.spare) {
    const spare = actor.spare;
    // One fresh session per run: the previous run may have ended it (or every session of the user).
    for (let run = 0; run < SESSION_RUNS; run++) {
      spare.renew();
      const ids: FuzzIds = { ...base, sessionId: await spare.sessionId(), password: spare.account.password };
      const [req] = fc.sample(requestArbitrary(doc, op, ids), { seed: runSeed + run, numRuns: 1 });
      if (!req) continue;
      const { res, failures: found } = await exercise(op, role, req, await spare.token());
      failures.push(...found);
      if (res && res.status < 300) ok++;
      const body = req.body as { new_password?: string } | undefined;
      if (op.id === "auth.changePassword" && res && res.status < 300 && body?.new_password)
        spare.account.password = body.new_password;
    }
    return { sent: SESSION_RUNS, ok, failures };
  }
  const session = actor.main;
  const ids: FuzzIds = {
    ...base,
    sessionId: session ? await session.sessionId() : undefined,
    password: session?.account.password,
  };
  const requests = fc.sample(requestArbitrary(doc, op, ids), { seed: runSeed, numRuns: RUNS });
  const token = session ? await session.token() : undefined;
  const results = await pool(
    4,
    requests.map((req) => async () => {
      const { res, failures: found } = await exercise(op, role, req, token);
      if (res && res.status < 300) ok++;
      return found;
    }),
  );
  return { sent: requests.length, ok, failures: [...failures, ...results.flat()] };
}

test("the document lists operations of every service", () => {
  expect(operations.length).toBeGreaterThan(20);
});

for (const role of ROLES) {
  test(`${role}: valid requests to every operation get documented answers`, async () => {
    test.setTimeout(120_000);
    const failures: Failure[] = [];
    let sent = 0;
    const took: Array<[string, number]> = [];
    // Which operations this role never got a 2xx from: the runs only checked refusals there.
    const neverOk: string[] = [];
    for (const op of operations) {
      const started = Date.now();
      const result = await fuzz(op, role);
      took.push([op.id, Date.now() - started]);
      if (result.ok === 0) neverOk.push(op.id);
      sent += result.sent;
      failures.push(...result.failures);
    }
    // The budget is about two minutes for all roles: name where the time goes.
    const slowest = took.sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`slowest as ${role}: ${slowest.map(([id, ms]) => `${id} ${ms} ms`).join(", ")}`);
    console.log(`no 2xx as ${role} (${neverOk.length}/${operations.length}): ${neverOk.join(", ")}`);
    const known = failures.filter((f) => knownAs(f) !== undefined);
    const fresh = failures.filter((f) => !known.includes(f));
    const summary = `${operations.length} operations × ${RUNS} runs as ${role}: ${sent} requests, seed ${seed}`;
    console.log(`valid fuzz ${summary}, ${fresh.length} failed, ${known.length} known`);
    test.info().annotations.push({ type: "fuzz", description: summary });
    for (const k of KNOWN) {
      const seen = known.filter((f) => knownAs(f) === k).length;
      test.info().annotations.push({ type: "known mismatch", description: `${seen} × ${k.why}` });
      if (seen > 0) console.log(`  known ×${seen}: ${k.why.slice(0, 100)}…`);
    }
    const attach = (name: string, list: Failure[]) =>
      test.info().attach(name, { body: JSON.stringify(list, null, 2), contentType: "application/json" });
    await attach("failures.json", fresh);
    await attach("known.json", known);
    const lines = fresh
      .slice(0, 40)
      .map((f) => `${f.operation} as ${f.role}: ${f.request} → ${f.status}: ${f.problem}`);
    expect(lines, `${fresh.length} of ${sent} valid requests got an undocumented answer`).toEqual([]);
  });
}
