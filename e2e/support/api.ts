/**
 * The platform's public API as the suites use it: register and sign in users, create and settle payments,
 * and check the uniform error shape (ARCHITECTURE §3). Everything goes through the gateway's public routes.
 */
import { randomUUID } from "node:crypto";
import { caddyRootCert, edgeOrigin, gatewayOrigin, readE2eEnv } from "./config.ts";
import { type HttpResult, loadCa, send } from "./http.ts";
import { waitForMail } from "./mailbox.ts";

/** A role a user can register with, or the seeded admin. */
export type Role = "customer" | "vendor" | "admin";

/** A user the suites know the password of. */
export interface Account {
  id: string;
  email: string;
  password: string;
  name: string;
  role: Role;
}

/** Password every registered test user gets (passes the policy: long, not common). */
export const TEST_PASSWORD = "correct horse battery staple e2e";

/** Options of {@link Api.call}. */
export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the platform through the gateway (fast) or through Caddy (`via: "edge"`, the real entry). */
export class Api {
  readonly origin: string;
  private readonly ca: string | undefined;

  constructor(via: "gateway" | "edge" = "gateway") {
    const env = readE2eEnv();
    this.origin = via === "edge" ? edgeOrigin(env) : gatewayOrigin(env);
    this.ca = via === "edge" ? loadCa(caddyRootCert(env)) : undefined;
  }

  /** Sends one request; JSON-encodes `body` when it is not a string. */
  call(method: string, path: string, opts: CallOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    return send({ method, url: `${this.origin}${path}`, headers, body }, this.ca);
  }

  /**
   * Registers a fresh customer or vendor; `label` makes the e-mail readable in logs. Unless `verified` is
   * false, the address is then confirmed with the token from the verification mail in the development
   * mailbox, as its owner would (unverified accounts can neither pay nor be paid: docs/adr/0017).
   */
  async register(
    role: "customer" | "vendor",
    label: string,
    opts: { verified?: boolean } = {},
  ): Promise<Account & { token: string }> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.com`.toLowerCase();
    const name = `${label} ${role}`;
    const res = await this.call("POST", "/api/auth/register", {
      body: { email, password: TEST_PASSWORD, name, role },
    });
    const user = field(res, "user");
    if (opts.verified !== false) await this.verifyEmail(email);
    return {
      id: str(user, "id"),
      email,
      password: TEST_PASSWORD,
      name,
      role,
      token: str(res.json, "access_token"),
    };
  }

  /** Confirms `email` with the token of the newest verification mail to it. */
  async verifyEmail(email: string): Promise<void> {
    const { token } = await waitForMail(email, "/account/verify");
    const res = await this.call("POST", "/api/auth/email/verify", { body: { token } });
    if (res.status !== 200) throw new Error(`verify ${email}: ${res.status} ${res.text}`);
  }

  /** Signs in (a new session); returns the access token and the session id in it. */
  async login(account: Pick<Account, "email" | "password">): Promise<{ token: string; sessionId: string }> {
    const res = await this.call("POST", "/api/auth/login", {
      body: { email: account.email, password: account.password },
    });
    const token = str(res.json, "access_token");
    return { token, sessionId: claim(token, "sid") };
  }

  /**
   * Creates a payment with a fresh idempotency key. The payments service learns of a new vendor from
   * `user.registered` and of a confirmed address from `user.updated` (eventually consistent), so
   * `invalid_payee` and `email_unverified` right after registration are retried.
   */
  async pay(
    token: string,
    payeeId: string,
    amount: number,
    currency = "usd",
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await this.call("POST", "/api/payments", {
        token,
        body: { payee_id: payeeId, amount, currency },
        headers: { "idempotency-key": randomUUID() },
      });
      if (res.status === 201) return asRecord(res.json);
      const code = (res.json as { error?: { code?: string } } | undefined)?.error?.code;
      if ((code !== "invalid_payee" && code !== "email_unverified") || Date.now() > deadline) {
        throw new Error(`payment not created: ${res.status} ${res.text}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Polls a payment until its status is one of `statuses` (the worker settles asynchronously). */
  async waitForStatus(token: string, id: string, statuses: string[], timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const res = await this.call("GET", `/api/payments/${id}`, { token });
      last = str(res.json, "status");
      if (statuses.includes(last)) return last;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`payment ${id} stayed ${last}, expected ${statuses.join("|")}`);
  }
}

/** The payload of a JWT, unverified (the suites only read their own tokens). */
export function claims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return asRecord(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
}

function claim(token: string, name: string): string {
  return str(claims(token), name);
}

/** Narrows unknown JSON to an object, or throws. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return value as Record<string, unknown>;
}

/** A string property of a JSON object, or throws with the object in the message. */
export function str(value: unknown, key: string): string {
  const v = asRecord(value)[key];
  if (typeof v !== "string")
    throw new Error(`expected "${key}" to be a string in ${JSON.stringify(value)?.slice(0, 300)}`);
  return v;
}

function field(res: HttpResult, key: string): Record<string, unknown> {
  if (res.status >= 300) throw new Error(`${res.status}: ${res.text.slice(0, 300)}`);
  return asRecord(asRecord(res.json)[key]);
}

/** Error types of ARCHITECTURE §3. */
export const ERROR_TYPES = [
  "invalid_request",
  "authentication",
  "permission",
  "not_found",
  "conflict",
  "idempotency",
  "rate_limited",
  "unavailable",
  "internal",
] as const;

/** What leaks look like: stack frames, SQL, driver names. */
const LEAK =
  /\bat [\w.<>]+ \(|\.ts:\d+:\d+|\bSELECT\b|\bINSERT INTO\b|syntax error at|postgres|drizzle|ZodError/i;

/**
 * Why `res` is not a well-formed error answer (uniform shape, request id echoed, nothing leaked), or
 * undefined when it is.
 */
export function errorShapeProblem(res: HttpResult): string | undefined {
  const body = res.json;
  if (typeof body !== "object" || body === null) return `not JSON: ${res.text.slice(0, 120)}`;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return `no "error" object: ${res.text.slice(0, 120)}`;
  const e = error as Record<string, unknown>;
  const extra = Object.keys(body).filter((k) => k !== "error");
  if (extra.length > 0) return `unexpected top-level keys ${extra.join(",")}`;
  if (!ERROR_TYPES.includes(e.type as (typeof ERROR_TYPES)[number])) return `bad type ${String(e.type)}`;
  for (const key of ["code", "message", "request_id"]) {
    if (typeof e[key] !== "string" || e[key] === "") return `missing ${key}`;
  }
  if (e.param !== undefined && typeof e.param !== "string") return "param is not a string";
  const echoed = res.headers["x-request-id"];
  if (echoed !== e.request_id) return `request_id ${String(e.request_id)} ≠ X-Request-Id ${String(echoed)}`;
  if (LEAK.test(String(e.message))) return `message leaks internals: ${String(e.message).slice(0, 120)}`;
  return undefined;
}
