/**
 * The soak's steady mixed load, in a process of its own: a pool of customers and vendors registered at the
 * start, then for `durationMs` payments created at a fixed rate, reads of them (one in five a list), a
 * login every few seconds (a fresh token for a customer), a new customer every so often, and a few
 * WebSockets held open by vendors, one reconnected now and then. Every loop is paced and capped in flight,
 * and everything stops at the deadline. Prints a JSON progress line every 10 s and a summary at the end.
 * Usage: bun load.ts '<LoadSpec as JSON>'
 */
import { randomUUID } from "node:crypto";
import { percentile } from "../lib/stats.ts";
import { type LoadSpec, type LoadSummary, newStats, type Stats } from "./load-stats.ts";

const spec = JSON.parse(Bun.argv[2] ?? "{}") as LoadSpec;
const PASSWORD = "soak passphrase long enough";
const MAX_IN_FLIGHT = 20;
const MAX_CUSTOMERS = 200;
const deadline = Date.now() + spec.durationMs;
const stats = new Map<string, Stats>();
/** Unanswered requests by minute since this process started (the platform was up a few seconds before). */
const unansweredByMinute: Record<number, number> = {};
const launchedAt = Date.now();

interface User {
  id: string;
  email: string;
  token: string;
  /** When `token` was issued (ms): it lives AUTH_ACCESS_TOKEN_TTL_SECONDS (10 min by default). */
  tokenAt: number;
}

/** Signs in again before the access token can expire, as a browser's session would refresh it. */
const TOKEN_RENEW_MS = 8 * 60_000;

async function call(
  kind: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown }> {
  const s = stats.get(kind) ?? newStats();
  stats.set(kind, s);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  try {
    const res = await fetch(`${spec.api}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(15_000),
      ...(spec.ca ? { tls: { ca: spec.ca } } : {}),
    });
    const text = await res.text();
    s.latencies.push(performance.now() - started);
    s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  } catch {
    s.failures++;
    const minute = Math.floor((Date.now() - launchedAt) / 60_000);
    unansweredByMinute[minute] = (unansweredByMinute[minute] ?? 0) + 1;
    return { status: 0, json: undefined };
  }
}

const field = (json: unknown, ...path: string[]): string | undefined => {
  let v: unknown = json;
  for (const key of path)
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" ? v : undefined;
};

async function register(role: "customer" | "vendor"): Promise<User | undefined> {
  const email = `soak-${role}-${randomUUID().slice(0, 8)}@example.com`;
  const res = await call("register", "POST", "/api/auth/register", {
    body: { email, password: PASSWORD, name: `Soak ${role}`, role },
  });
  const id = field(res.json, "user", "id");
  const token = field(res.json, "access_token");
  if (!id || !token) return undefined;
  await verify(email);
  return { id, email, token, tokenAt: Date.now() };
}

/**
 * Confirms the address with the link of its verification mail, read from the development mailbox's JSON
 * (the soak runs the embedded default, not production): unverified accounts neither pay nor get paid.
 */
async function verify(email: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const box = await call(
      "mailbox",
      "GET",
      `/api/auth/dev/mailbox/messages?to=${encodeURIComponent(email)}`,
    );
    const mails = (box.json as { data?: Array<{ links: string[] }> } | undefined)?.data ?? [];
    const link = mails.flatMap((m) => m.links).find((l) => l.includes("/account/verify?token="));
    const token = link ? new URL(link).searchParams.get("token") : null;
    if (token) {
      await call("verify", "POST", "/api/auth/email/verify", { body: { token } });
      return;
    }
    await Bun.sleep(100);
  }
}

async function login(user: User): Promise<void> {
  const res = await call("login", "POST", "/api/auth/login", {
    body: { email: user.email, password: PASSWORD },
  });
  const token = field(res.json, "access_token");
  if (token) Object.assign(user, { token, tokenAt: Date.now() });
}

/** The user's token, renewed first when it is close to expiring. */
async function tokenOf(user: User): Promise<string> {
  if (Date.now() - user.tokenAt > TOKEN_RENEW_MS) await login(user);
  return user.token;
}

const pick = <T>(list: T[]): T | undefined => list[Math.floor(Math.random() * list.length)];

/**
 * Calls `task` every `ms` until the deadline, never more than MAX_IN_FLIGHT at once (then it skips). A
 * period that is not a positive finite number (a rate or period of 0 in the spec) turns the loop off.
 */
function paced(ms: number, task: () => Promise<unknown>): Promise<void> {
  if (!(ms > 0 && Number.isFinite(ms))) return Promise.resolve();
  let inFlight = 0;
  const running = new Set<Promise<unknown>>();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() >= deadline) {
        clearInterval(timer);
        void Promise.allSettled(running).then(() => resolve());
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) return;
      inFlight++;
      const p = task().finally(() => {
        inFlight--;
        running.delete(p);
      });
      running.add(p);
    }, ms);
  });
}

const customers: User[] = [];
const vendors: User[] = [];
for (let i = 0; i < spec.customers; i++) {
  const u = await register("customer");
  if (u) customers.push(u);
}
for (let i = 0; i < spec.vendors; i++) {
  const u = await register("vendor");
  if (u) vendors.push(u);
}
if (customers.length === 0 || vendors.length === 0) throw new Error("could not register the soak's users");

const payments: Array<{ id: string; owner: User }> = [];
let wsMessages = 0;
let wsOpened = 0;
let wsFailed = 0;
const sockets: WebSocket[] = [];

async function openSocket(owner: User): Promise<void> {
  const res = await call("ws ticket", "POST", "/api/realtime/ticket", { token: await tokenOf(owner) });
  const ticket = field(res.json, "ticket");
  if (!ticket) {
    wsFailed++;
    return;
  }
  const ws = new WebSocket(`${spec.gateway.replace(/^http/, "ws")}/ws?ticket=${ticket}`, {
    headers: { origin: spec.origin },
  });
  ws.onopen = () => wsOpened++;
  ws.onerror = () => wsFailed++;
  ws.onmessage = () => wsMessages++;
  sockets.push(ws);
}

for (let i = 0; i < spec.sockets; i++) {
  const vendor = vendors[i % vendors.length];
  if (vendor) await openSocket(vendor);
}

const startedAt = Date.now();
const progress = setInterval(() => {
  const requests = [...stats.values()].reduce((n, s) => n + s.latencies.length + s.failures, 0);
  console.log(JSON.stringify({ type: "progress", seconds: (Date.now() - startedAt) / 1000, requests }));
}, 10_000);

await Promise.all([
  paced(1000 / spec.createsPerSecond, async () => {
    const customer = pick(customers);
    const vendor = pick(vendors);
    if (!customer || !vendor) return;
    const res = await call("create payment", "POST", "/api/payments", {
      token: await tokenOf(customer),
      body: { payee_id: vendor.id, amount: 100 + Math.floor(Math.random() * 5000), currency: "usd" },
      headers: { "idempotency-key": randomUUID() },
    });
    const id = field(res.json, "id");
    if (id) payments.push({ id, owner: customer });
    if (payments.length > 2_000) payments.splice(0, 1_000);
  }),
  paced(1000 / spec.readsPerSecond, async () => {
    const target = pick(payments);
    if (!target) return;
    if (Math.random() < 0.2)
      await call("list payments", "GET", "/api/payments?limit=20", { token: await tokenOf(target.owner) });
    else
      await call("read payment", "GET", `/api/payments/${target.id}`, { token: await tokenOf(target.owner) });
  }),
  paced(spec.loginEverySeconds * 1000, async () => {
    const customer = pick(customers);
    if (customer) await login(customer);
  }),
  paced(spec.registerEverySeconds * 1000, async () => {
    // Registers at its pace however many customers there are (a run with a faster --load registers more
    // than the pool keeps); the pool stops growing at MAX_CUSTOMERS.
    const u = await register("customer");
    if (u && customers.length < MAX_CUSTOMERS) customers.push(u);
  }),
  paced(spec.reconnectEverySeconds * 1000, async () => {
    const old = sockets.shift();
    old?.close();
    const vendor = pick(vendors);
    if (vendor) await openSocket(vendor);
  }),
]);
clearInterval(progress);
for (const ws of sockets) ws.close();

const summary: LoadSummary = {
  type: "done",
  seconds: (Date.now() - startedAt) / 1000,
  users: { customers: customers.length, vendors: vendors.length },
  websockets: { opened: wsOpened, failed: wsFailed, messages: wsMessages, open: spec.sockets },
  unansweredByMinute,
  kinds: [...stats.entries()].map(([kind, s]) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    return {
      kind,
      requests: s.latencies.length + s.failures,
      statuses: s.statuses,
      failures: s.failures,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  }),
};
console.log(JSON.stringify(summary));
process.exit(0);
