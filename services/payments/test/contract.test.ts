import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  PAYMENT_CSV_COLUMNS,
  paymentsCancel,
  paymentsCreate,
  paymentsExportCsv,
  paymentsGet,
  paymentsHistory,
  paymentsList,
  paymentsPayees,
  paymentsRefund,
  paymentsSummary,
} from "@payments/contracts/http";
import { routeCoverage } from "@payments/service-kit";
import { contractProblems } from "@payments/testing";
import { adapters, type Harness, harnessOnTestDb, newKey, type TestUser } from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor", { name: "Contract Shop" });
  admin = await h.user("admin");
});
afterAll(() => close());

describe(`payments routes are its contract (${adapters})`, () => {
  test("every route is declared in @payments/contracts/http, and every declared route is served", () => {
    expect(routeCoverage(h.app, "payments")).toEqual({ undeclared: [], missing: [] });
  });

  test("real answers match the documented response schemas exactly", async () => {
    const json = async (res: Response) => ({ status: res.status, body: await res.json() });
    const created = await json(
      await h.request("/", {
        method: "POST",
        token: customer.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount: 1250, currency: "usd", description: "contract" },
      }),
    );
    expect(contractProblems(paymentsCreate, created.status, created.body)).toEqual([]);
    const id = (created.body as { id: string }).id;
    await h.drain();

    const checks = [
      [paymentsGet, await h.request(`/${id}`, { token: customer.token })],
      [paymentsList, await h.request("/?limit=5", { token: customer.token })],
      [
        paymentsList,
        await h.request(`/?q=contract&currency=usd&amount[gte]=1&counterparty=${vendor.id}`, {
          token: vendor.token,
        }),
      ],
      [paymentsHistory, await h.request(`/${id}/history`, { token: customer.token })],
      [paymentsSummary, await h.request("/reports/summary", { token: customer.token })],
      [paymentsSummary, await h.request("/reports/summary?time_zone=Asia/Tokyo", { token: admin.token })],
      [paymentsPayees, await h.request("/payees?query=Contract", { token: customer.token })],
      [paymentsPayees, await h.request("/payees?query=Contract", { token: admin.token })],
      [
        paymentsRefund,
        await h.request(`/${id}/refunds`, {
          method: "POST",
          token: vendor.token,
          key: newKey(),
          json: { amount: 50 },
        }),
      ],
    ] as const;
    for (const [op, res] of checks) {
      const { status, body } = await json(res);
      expect({ op: op.id, status, problems: contractProblems(op, status, body) }).toEqual({
        op: op.id,
        status: op === paymentsRefund ? 201 : 200,
        problems: [],
      });
    }

    const pending = await json(
      await h.request("/", {
        method: "POST",
        token: customer.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount: 990, currency: "eur" },
      }),
    );
    const cancel = await json(
      await h.request(`/${(pending.body as { id: string }).id}/cancel`, {
        method: "POST",
        token: customer.token,
      }),
    );
    expect(contractProblems(paymentsCancel, cancel.status, cancel.body)).toEqual([]);
  });

  test("the export is the documented CSV; its refusals are the documented errors", async () => {
    const res = await h.request("/export.csv?status=succeeded", { token: customer.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith(paymentsExportCsv.responses[200].mediaType);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="payments-.+\.csv"$/);
    const [header] = (await res.text()).split("\r\n");
    expect(header?.split(",")).toEqual([...PAYMENT_CSV_COLUMNS]);
    const checks = [
      [paymentsExportCsv, await h.request("/export.csv?limit=5", { token: customer.token }), 400],
      [
        paymentsExportCsv,
        await h.request(`/export.csv?user_id=${vendor.id}`, { token: customer.token }),
        403,
      ],
      [paymentsExportCsv, await h.request("/export.csv"), 401],
      [paymentsList, await h.request("/?amount[gte]=9&amount[lte]=1", { token: customer.token }), 400],
      [
        paymentsSummary,
        await h.request("/reports/summary?time_zone=Nowhere", { token: customer.token }),
        400,
      ],
    ] as const;
    for (const [op, answer, status] of checks) {
      const body = await answer.json();
      expect({
        op: op.id,
        status: answer.status,
        problems: contractProblems(op, answer.status, body),
      }).toEqual({
        op: op.id,
        status,
        problems: [],
      });
    }
  });

  test("a date bound before 1970 (even year 0000, valid ISO 8601) reads as 1970, not as a database error", async () => {
    for (const bound of ["created[gte]=0000-06-01T00:00:00Z", "created[lte]=0000-06-01T00:00:00%2B01:00"]) {
      const res = await h.request(`/?${bound}`, { token: customer.token });
      expect({ bound, status: res.status }).toEqual({ bound, status: 200 });
    }
  });

  test("a malformed id is 404 payment_not_found, as a missing one", async () => {
    const res = await h.request("/not-a-payment", { token: customer.token });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payment_not_found");
  });
});
