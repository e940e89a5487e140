import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_SYSTEM_CONFIG, newId } from "@payments/contracts";
import {
  adminExportAuditLogs,
  adminGetConfig,
  adminGetDashboard,
  adminGetPublicConfig,
  adminListAuditLogs,
  adminListConfigHistory,
  adminUpdateConfig,
  type OperationSpec,
} from "@payments/contracts/http";
import { routeCoverage } from "@payments/service-kit";
import { contractProblems } from "@payments/testing";
import {
  adapters,
  buildAdmin,
  makeEvent,
  openTestDb,
  type TestAdmin,
  type TestDb,
  traceparent,
} from "./support.ts";

let testDb: TestDb;
let t: TestAdmin;
let token: string;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
  token = await t.token("admin");
  // Enough traffic that every part of the answers is populated: statuses, failures, sessions, series.
  const payer = newId("usr");
  const trace = traceparent();
  await t.deliver(
    makeEvent("user.registered", { id: payer }, { traceparent: trace }),
    makeEvent("session.started", { user_id: payer }),
    makeEvent("payment.created", { payer_id: payer, amount: 1250, currency: "usd" }, { traceparent: trace }),
    makeEvent("payment.failed", { payer_id: payer, amount: 990, currency: "eur" }),
  );
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

/** Status and contract problems of an answer, to compare with what `op` documents. */
async function verdict(op: OperationSpec, res: Response) {
  const body: unknown = await res.json();
  return { op: op.id, status: res.status, problems: contractProblems(op, res.status, body) };
}

describe(`admin routes are its contract (${adapters})`, () => {
  test("every route is declared in @payments/contracts/http, and every declared route is served", () => {
    expect(routeCoverage(t.app, "admin")).toEqual({ undeclared: [], missing: [] });
  });

  test("real answers match the documented response schemas exactly", async () => {
    // Version 0 (the built-in defaults: no author, no time) first, then a stored version.
    const defaults = await t.request("/config", { token });
    expect(await verdict(adminGetConfig, defaults)).toEqual({
      op: adminGetConfig.id,
      status: 200,
      problems: [],
    });
    const settings = {
      ...DEFAULT_SYSTEM_CONFIG,
      payment_limits: {
        default: { min_amount: 1, max_amount: 500_000 },
        per_currency: { jpy: { min_amount: 50, max_amount: 1_000_000 } },
      },
      maintenance_banner: { enabled: true, message: "Maintenance at noon", level: "warning" },
    };
    const put = await t.request("/config", { method: "PUT", token, json: { settings, expected_version: 0 } });
    expect(await verdict(adminUpdateConfig, put)).toEqual({
      op: adminUpdateConfig.id,
      status: 200,
      problems: [],
    });

    const checks = [
      [adminGetConfig, await t.request("/config", { token })],
      [adminGetPublicConfig, await t.request("/config/public")],
      [adminListConfigHistory, await t.request("/config/history?limit=5", { token })],
      [adminListAuditLogs, await t.request("/audit-logs?limit=10", { token })],
      [adminListAuditLogs, await t.request("/audit-logs?type=payment.&from=2020-01-01", { token })],
      [adminGetDashboard, await t.request("/dashboard?minutes=5&days=2", { token })],
    ] as const;
    for (const [op, res] of checks) {
      expect(await verdict(op, res)).toEqual({ op: op.id, status: 200, problems: [] });
    }
  });

  test("the public configuration is exactly version and settings, cacheable", async () => {
    const res = await t.request("/config/public");
    expect(res.headers.get("cache-control")).toBe("public, max-age=30");
    expect(Object.keys((await res.json()) as object).sort()).toEqual(["settings", "version"]);
  });

  test("the audit export is the documented CSV", async () => {
    const res = await t.request("/audit-logs.csv?type=payment.", { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith(adminExportAuditLogs.responses[200].mediaType);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-.+\.csv"$/);
    const [header, ...rows] = (await res.text()).trim().split("\n");
    expect(header).toStartWith("id,occurred_at,type,");
    expect(rows.length).toBeGreaterThan(0);
  });

  test("errors have the Error shape with a documented status", async () => {
    const customer = await t.token("customer");
    const both = `starting_after=aud_${"0".repeat(26)}&ending_before=aud_${"0".repeat(26)}`;
    const checks = [
      [adminGetConfig, await t.request("/config", { token: customer }), 403],
      [adminGetConfig, await t.request("/config"), 401],
      [adminGetPublicConfig, await t.request("/config/public?version=1"), 400],
      [adminUpdateConfig, await t.request("/config", { method: "PUT", token, json: { settings: {} } }), 400],
      [
        adminUpdateConfig,
        await t.request("/config", {
          method: "PUT",
          token,
          json: { settings: DEFAULT_SYSTEM_CONFIG, expected_version: 0 },
        }),
        409,
      ],
      [adminListConfigHistory, await t.request("/config/history?limit=0", { token }), 400],
      [adminListAuditLogs, await t.request(`/audit-logs?${both}`, { token }), 400],
      [adminListAuditLogs, await t.request("/audit-logs?from=2030-01-02&to=2030-01-01", { token }), 400],
      [adminExportAuditLogs, await t.request("/audit-logs.csv?limit=5", { token }), 400],
      [adminGetDashboard, await t.request("/dashboard?days=0", { token }), 400],
    ] as const;
    for (const [op, res, status] of checks) {
      expect(await verdict(op, res)).toEqual({ op: op.id, status, problems: [] });
    }
  });
});
