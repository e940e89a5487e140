/**
 * The people and data the frontend benchmark's pages need, made through the platform's public HTTP API
 * (through Caddy): customers and vendors register and confirm their address from the development mailbox,
 * the seeded admin signs in, and a customer pays a vendor so a payment's page has something to show.
 * Every visit needs a session of its own (refresh tokens rotate on use), so each sign-in is fresh.
 */
import { randomUUID } from "node:crypto";
import { BENCH_ADMIN, type Platform } from "./platform.ts";

const PASSWORD = "bench passphrase long enough";

/** A signed-in session as a browser holds it: the refresh cookie's value. */
export interface Session {
  refreshToken: string;
  accessToken: string;
}

/** Who a page is visited as. */
export type Viewer = "anonymous" | "customer" | "vendor" | "admin";

type Json = Record<string, unknown>;

async function call(platform: Platform, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  if (method === "POST" && path === "/api/payments") headers["idempotency-key"] = randomUUID();
  const res = await fetch(`${platform.origin}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    tls: { ca: platform.ca },
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as Json;
  return { res, json, text };
}

function sessionOf(res: Response, json: Json): Session {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("refresh_token=")) ?? "";
  const refreshToken = (cookie.split(";")[0] ?? "").slice("refresh_token=".length);
  const accessToken = typeof json.access_token === "string" ? json.access_token : "";
  if (!refreshToken || !accessToken) throw new Error("no session in the sign-in answer");
  return { refreshToken, accessToken };
}

/** A registered, confirmed account. */
export interface Person {
  id: string;
  email: string;
  role: "customer" | "vendor";
}

/** Registers and confirms the address with the token from the verification mail. */
export async function register(platform: Platform, role: "customer" | "vendor"): Promise<Person> {
  const email = `bench-${role}-${randomUUID().slice(0, 8)}@example.com`;
  const name = role === "customer" ? "Ada Bench" : "Northwind Bench";
  const { res, json, text } = await call(platform, "POST", "/api/auth/register", {
    email,
    password: PASSWORD,
    name,
    role,
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${text}`);
  const id = String((json.user as Json | undefined)?.id ?? "");
  for (const deadline = Date.now() + 20_000; ; ) {
    const mail = await call(
      platform,
      "GET",
      `/api/auth/dev/mailbox/messages?to=${encodeURIComponent(email)}`,
    );
    const links = ((mail.json.data as Json[] | undefined) ?? []).flatMap((m) => (m.links as string[]) ?? []);
    const link = links.map((l) => new URL(l)).find((u) => u.pathname === "/account/verify");
    const token = link?.searchParams.get("token");
    if (token) {
      const verified = await call(platform, "POST", "/api/auth/email/verify", { token });
      if (verified.res.status !== 200) throw new Error(`verify: ${verified.res.status} ${verified.text}`);
      return { id, email, role };
    }
    if (Date.now() > deadline) throw new Error(`no verification mail to ${email}`);
    await Bun.sleep(200);
  }
}

/** A fresh session of `viewer` (the admin is the seeded one). */
export async function signIn(platform: Platform, who: Person | "admin"): Promise<Session> {
  const credentials = who === "admin" ? BENCH_ADMIN : { email: who.email, password: PASSWORD };
  const { res, json, text } = await call(platform, "POST", "/api/auth/login", credentials);
  if (res.status !== 200) throw new Error(`login: ${res.status} ${text}`);
  return sessionOf(res, json);
}

/** The customer pays the vendor; resolves with the payment's id once it has settled. */
export async function payment(platform: Platform, customer: Person, vendor: Person): Promise<string> {
  const { accessToken } = await signIn(platform, customer);
  for (const deadline = Date.now() + 20_000; ; ) {
    const created = await call(
      platform,
      "POST",
      "/api/payments",
      { payee_id: vendor.id, amount: 4_250, currency: "usd", description: "Atlas of the northern seas" },
      accessToken,
    );
    if (created.res.status === 201) {
      const id = String(created.json.id);
      for (;;) {
        const read = await call(platform, "GET", `/api/payments/${id}`, undefined, accessToken);
        if (read.json.status === "succeeded" || read.json.status === "failed") return id;
        if (Date.now() > deadline) throw new Error(`payment ${id} did not settle`);
        await Bun.sleep(200);
      }
    }
    // The payments service learns of the vendor and the confirmed addresses from events.
    if (Date.now() > deadline) throw new Error(`payment: ${created.res.status} ${created.text}`);
    await Bun.sleep(200);
  }
}
