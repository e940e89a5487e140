import type { HttpClient } from "../http/index.ts";
import { createCaller } from "./call.ts";

declare const http: HttpClient;
const call = createCaller(http);
async function t() {
  const p = await call("payments.create", {
    body: { payee_id: "usr_x", amount: 1, currency: "usd" },
    idempotencyKey: "k",
  });
  const s: string = p.status;
  const g = await call("payments.get", { path: { id: "pay_1" } });
  const l = await call("payments.list", { query: { limit: 5, status: "succeeded" } });
  const n: number = l.data.length;
  const t = await call("realtime.createTicket");
  const tt: string = t.ticket;
  // @ts-expect-error wrong field
  await call("payments.create", { body: { payee: "usr_x", amount: 1, currency: "usd" } });
  // @ts-expect-error missing path
  await call("payments.get", {});
  void s;
  void g;
  void n;
  void tt;
}
void t;
