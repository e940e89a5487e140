/**
 * The running container stack as the stack suites see it: where its edge, Prometheus and databases are
 * (from the state `bun run stack` wrote), its containers, and calls through Caddy over HTTPS. Every suite
 * here fails, never skips, when the stack is not up: `bun run stack:test` is only run against one.
 */

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { readState, type StackState } from "../../scripts/stack/config.ts";
import { projectContainers, type StackContainer } from "../../scripts/stack/health.ts";
import { TEST_PASSWORD } from "../support/api.ts";

/** The started stack's state; throws when `bun run stack` has not run here. */
export function stackState(): StackState {
  const state = readState();
  if (!state) throw new Error("no .stack/state.json: start the stack with `bun run stack` first");
  return state;
}

/** https://localhost:<port>: the stack's Caddy. */
export function edge(state: StackState = stackState()): string {
  return `https://localhost:${state.settings.ports.https}`;
}

/** The compose env file's values (secrets included: the suites read the databases). */
export function stackEnvValues(state: StackState = stackState()): Map<string, string> {
  const lines = readFileSync(state.envFile, "utf8").split("\n");
  return new Map(
    lines
      .map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
}

/** postgres:// URL of one service's database on the stack's Postgres (published on loopback). */
export function databaseUrl(name: string, state: StackState = stackState()): string {
  const password = stackEnvValues(state).get("POSTGRES_PASSWORD") ?? "";
  return `postgres://postgres:${password}@127.0.0.1:${state.settings.ports.postgres}/${name}`;
}

/** The stack's containers; throws when there are none. */
export async function containers(state: StackState = stackState()): Promise<StackContainer[]> {
  const list = await projectContainers(state.settings.project);
  if (list.length === 0) throw new Error(`no containers of ${state.settings.project}: is the stack up?`);
  return list;
}

/** The one container of a service, or the `index`-th of several (sorted by name). */
export async function container(service: string, index = 0): Promise<StackContainer> {
  const list = (await containers())
    .filter((c) => c.service === service)
    .sort((a, b) => a.name.localeCompare(b.name));
  const found = list[index];
  if (!found) throw new Error(`no container ${index} of ${service}`);
  return found;
}

/** A JSON call; `base` defaults to the edge. Bun's fetch trusts Caddy's CA through NODE_EXTRA_CA_CERTS (run.ts). */
export async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; base?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: unknown; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${opts.base ?? edge()}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** A user registered through the edge. */
export interface StackUser {
  id: string;
  /** The unique word in the user's name (what the payee search finds). */
  label: string;
  email: string;
  password: string;
  token: string;
}

/** Registers a customer or vendor through the edge. */
export async function register(role: "customer" | "vendor", label: string): Promise<StackUser> {
  const word = `${label}${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const email = `${word}@example.com`;
  const res = await call("POST", "/api/auth/register", {
    body: { email, password: TEST_PASSWORD, name: `${word} ${role}`, role },
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`register ${role}: ${res.status} ${res.text}`);
  const body = res.json as { user: { id: string }; access_token: string };
  await verifyEmail(email);
  return { id: body.user.id, label: word, email, password: TEST_PASSWORD, token: body.access_token };
}

/** Where compose points auth's development mailbox (its only writable place is the /tmp tmpfs). */
const STACK_MAILBOX_DIR = "/tmp/mailbox";

/**
 * Confirms `email` with the token of its verification mail (docs/adr/0017). The stack has no SMTP server, so
 * auth keeps mail in its development mailbox inside the container (the page is never served in production);
 * this reads it with `docker exec`, through child_process so that Playwright's Node workers can run it too.
 */
export async function verifyEmail(email: string, state: StackState = stackState()): Promise<void> {
  const id = execFileSync(
    "docker",
    [
      "ps",
      "-q",
      "--filter",
      `label=com.docker.compose.project=${state.settings.project}`,
      "--filter",
      "label=com.docker.compose.service=auth",
    ],
    { encoding: "utf8" },
  )
    .split("\n")
    .find(Boolean);
  if (!id) throw new Error("no running auth container to read the mailbox of");
  const script = `const fs=require("fs");const d=${JSON.stringify(STACK_MAILBOX_DIR)};let out=[];try{out=fs.readdirSync(d).filter(f=>f.endsWith(".json")).map(f=>JSON.parse(fs.readFileSync(d+"/"+f,"utf8")))}catch{}console.log(JSON.stringify(out))`;
  const docker = (...args: string[]) => execFileSync("docker", ["exec", id, ...args], { encoding: "utf8" });
  const readMailbox = (): { to: string; links: string[] }[] => {
    try {
      return JSON.parse(docker("bun", "-e", script));
    } catch {
      // Should the image's bun refuse to run a script, the files are plain JSON: list and read them (no
      // directory yet: no mail yet).
      try {
        const names = docker("ls", STACK_MAILBOX_DIR)
          .split("\n")
          .filter((n) => n.endsWith(".json"));
        return names.map((n) => JSON.parse(docker("cat", `${STACK_MAILBOX_DIR}/${n}`)));
      } catch {
        return [];
      }
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mails = readMailbox();
    const link = mails
      .filter((m) => m.to.toLowerCase() === email.toLowerCase())
      .flatMap((m) => m.links)
      .find((l) => new URL(l).pathname === "/account/verify");
    const token = link ? new URL(link).searchParams.get("token") : null;
    if (token) {
      const res = await call("POST", "/api/auth/email/verify", { body: { token } });
      if (res.status !== 200) throw new Error(`verify ${email}: ${res.status} ${res.text}`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`no verification mail to ${email} in auth's ${STACK_MAILBOX_DIR}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Waits until payments knows the vendor (its payee copy comes from `user.registered`). */
export async function payeeKnown(customer: StackUser, vendor: StackUser, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call("GET", `/api/payments/payees?query=${encodeURIComponent(vendor.label)}`, {
      token: customer.token,
    });
    if ((res.json as { data?: Array<{ id: string }> } | undefined)?.data?.some((p) => p.id === vendor.id))
      return;
    if (Date.now() > deadline) throw new Error(`vendor ${vendor.id} never became a payee: ${res.text}`);
    // Not Bun.sleep: the journey imports this file in Playwright's Node workers.
    await new Promise((r) => setTimeout(r, 200));
  }
}
