/**
 * A small HTTP client for the API suites, on `node:http`/`node:https` so it runs in Playwright's Node
 * workers, verifies Caddy's certificate against the run's own root (no `rejectUnauthorized: false`), and
 * sends whatever headers and bytes a test asks for.
 */
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/** A response with its body read. */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** What to send. */
export interface HttpRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Local address to connect from (any of 127.0.0.0/8 is this machine): a client the edge can tell apart. */
  localAddress?: string;
}

let caCache: { path: string; pem: string } | undefined;

/** Reads (once) the PEM of the CA that signs the edge's certificate. */
export function loadCa(path: string): string {
  if (caCache?.path !== path) caCache = { path, pem: readFileSync(path, "utf8") };
  return caCache.pem;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends one request; `ca` is required for https URLs (the edge's root certificate). */
export function send(req: HttpRequest, ca?: string): Promise<HttpResult> {
  const url = new URL(req.url);
  const secure = url.protocol === "https:";
  if (secure && !ca) throw new Error("https requests need the edge's root certificate");
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const options = {
      method: req.method,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers,
      timeout: req.timeoutMs ?? 20_000,
      ...(secure ? { ca, servername: url.hostname } : {}),
      // The name must resolve to the local address's family (localhost may be ::1 first).
      ...(req.localAddress
        ? { localAddress: req.localAddress, family: req.localAddress.includes(":") ? 6 : 4 }
        : {}),
      agent: false as const,
    };
    const call = (secure ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
      });
      res.on("error", reject);
    });
    call.on("timeout", () => call.destroy(new Error(`${req.method} ${req.url}: no answer in time`)));
    call.on("error", reject);
    if (req.body !== undefined) call.write(req.body);
    call.end();
  });
}

/** Runs `tasks` with at most `limit` in flight, keeping their order in the result. */
export async function pool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
