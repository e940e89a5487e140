import { QueryClient } from "@tanstack/react-query";
import { createPlatform, type Platform } from "../platform/index.ts";
import type { SessionGrant, SyncChannel } from "../session/index.ts";
import { FakeTimers, FakeWebSocket } from "./fakes.ts";

/** One request the fake API received. */
export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

/** A fake route: returns `[status, body]` (body JSON-encoded; undefined = no body). */
export type FakeRoute = (call: RecordedCall) => [number, unknown?] | Promise<[number, unknown?]>;

/** A test platform and what its fake API saw. */
export interface TestPlatform {
  platform: Platform;
  calls: RecordedCall[];
  timers: FakeTimers;
  /** Replace or add a route (`"POST /api/payments"`). */
  route(key: string, handler: FakeRoute): void;
}

/** A signed-in user for tests. */
export function testGrant(
  role: "customer" | "vendor" | "admin" = "customer",
  token = "test-token",
): SessionGrant {
  return {
    user: {
      id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6",
      email: "ada@example.com",
      name: "Ada Lovelace",
      role,
      active: true,
      created_at: "2025-01-01T00:00:00.000Z",
      email_verified: true,
    },
    access_token: token,
    expires_in: 600,
  };
}

/**
 * A real platform (real HTTP client, session store, real-time client, query client) whose `fetch` is a
 * router of fake handlers: components are tested against the same code paths they use in production, with
 * only the network replaced. Unknown routes answer 404 in the API's error shape.
 */
export function createTestPlatform(
  options: { routes?: Record<string, FakeRoute>; grant?: SessionGrant; channel?: SyncChannel } = {},
): TestPlatform {
  const routes = new Map(Object.entries(options.routes ?? {}));
  const calls: RecordedCall[] = [];
  const timers = new FakeTimers();
  const platform = createPlatform({
    fetch: async (input, init) => {
      const url = new URL(input, "http://test.local");
      const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
      const call: RecordedCall = {
        method: init.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      const handler = routes.get(`${call.method} ${call.path}`);
      const [status, body] = handler
        ? await handler(call)
        : [
            404,
            {
              error: {
                type: "not_found",
                code: "route_not_found",
                message: "No such route.",
                request_id: "req_test",
              },
            },
          ];
      return new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", "x-request-id": "req_test" },
      });
    },
    baseUrl: "",
    queryClient: new QueryClient({
      defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
    }),
    timers,
    createSocket: (url) => new FakeWebSocket(url),
    socketUrl: (ticket) => `ws://test.local/ws?ticket=${ticket}`,
    sendBeacon: () => true,
    defaultPreferences: { theme: "system", locale: "en-US", default_currency: "usd" },
    ...(options.channel ? { channel: options.channel } : {}),
  });
  if (options.grant) platform.session.signIn(options.grant);
  return { platform, calls, timers, route: (key, handler) => routes.set(key, handler) };
}
