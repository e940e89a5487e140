/**
 * The data bench/cache reads: customers and vendors registered and verified through the gateway, as people
 * do (the verification token from the development mailbox), and payments between them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The origin the auth service accepts register and login from (its default allow-list). */
const ORIGIN = "http://localhost:3000";
const PASSWORD = "correct horse battery staple 42";

/** A signed-in user and the payments they can see (newest first). */
export interface Reader {
  id: string;
  role: "customer" | "vendor";
  token: string;
  payments: string[];
}

/** One call through the gateway; the JSON body, or undefined. */
export async function call(
  gateway: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; key?: string } = {},
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { origin: ORIGIN, accept: "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.key) headers["idempotency-key"] = opts.key;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value;
  for (const key of path)
    at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** The verification token of the newest mail to `email` in the development mailbox. */
async function verificationToken(mailbox: string, email: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(mailbox).filter((name) => name.endsWith(".json"));
    } catch {
      // Not created until the first mail.
    }
    for (const name of names) {
      const mail = JSON.parse(readFileSync(join(mailbox, name), "utf8")) as { to?: string; links?: string[] };
      if (mail.to?.toLowerCase() !== email) continue;
      const link = mail.links?.find((l) => new URL(l).pathname === "/account/verify");
      const token = link ? new URL(link).searchParams.get("token") : null;
      if (token) return token;
    }
    if (Date.now() > deadline) throw new Error(`no verification mail to ${email} in ${mailbox}`);
    await Bun.sleep(100);
  }
}

/** Registers and verifies one user through the gateway. */
export async function register(
  gateway: string,
  mailbox: string,
  role: Reader["role"],
  n: number,
): Promise<Reader> {
  const email = `bench-${role}-${n}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await call(gateway, "POST", "/api/auth/register", {
    body: { email, password: PASSWORD, name: `Bench ${role} ${n}`, role },
  });
  const id = field(res.json, "user", "id");
  const token = field(res.json, "access_token");
  if (res.status !== 201 || typeof id !== "string" || typeof token !== "string") {
    throw new Error(`register: ${res.status} ${JSON.stringify(res.json)}`);
  }
  const verified = await call(gateway, "POST", "/api/auth/email/verify", {
    body: { token: await verificationToken(mailbox, email) },
  });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.json)}`);
  return { id, role, token, payments: [] };
}

/**
 * Creates a payment from `payer` to `payee` and records it on both; retried while the payments service has
 * not yet heard of a new user or of their verification (its read model follows auth's events).
 */
export async function pay(gateway: string, payer: Reader, payee: Reader, amount: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await call(gateway, "POST", "/api/payments", {
      token: payer.token,
      key: crypto.randomUUID(),
      body: { payee_id: payee.id, amount, currency: "usd" },
    });
    const id = field(res.json, "id");
    if (res.status === 201 && typeof id === "string") {
      payer.payments.unshift(id);
      payee.payments.unshift(id);
      return id;
    }
    const code = field(res.json, "error", "code");
    if ((code !== "invalid_payee" && code !== "email_unverified") || Date.now() > deadline) {
      throw new Error(`pay: ${res.status} ${JSON.stringify(res.json)}`);
    }
    await Bun.sleep(150);
  }
}
