import { describe, expect, it, vi } from "vitest";
import { createSessionStore, type SessionGrant } from "../session/index.ts";
import { createHttpClient, type FetchLike, routeTemplate } from "./client.ts";
import { ApiError, describeError, NetworkError } from "./errors.ts";
import { traceOf } from "./trace.ts";

const user = {
  id: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6" as const,
  email: "ada@example.com",
  name: "Ada",
  role: "customer" as const,
  active: true,
  created_at: "2025-01-01T00:00:00.000Z",
  email_verified: true,
};
const grant = (token: string): SessionGrant => ({ user, access_token: token, expires_in: 600 });

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function authHeader(init: RequestInit): string | undefined {
  return (init.headers as Record<string, string> | undefined)?.authorization;
}

/** A server that accepts only `valid` as the bearer token on /api/payments. */
function server(valid: () => string) {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const auth = authHeader(init);
    calls.push(`${url} ${auth ?? "-"}`);
    if (auth !== `Bearer ${valid()}`) {
      return json(401, {
        error: { type: "authentication", code: "token_expired", message: "Expired.", request_id: "req_1" },
      });
    }
    return json(200, { ok: true });
  };
  return { fetch, calls };
}

describe("refresh-once on 401", () => {
  it("refreshes once and repeats the call with the new token", async () => {
    const srv = server(() => "t2");
    const refreshRequest = vi.fn(async () => grant("t2"));
    const session = createSessionStore({ refreshRequest, logoutRequest: async () => {} });
    session.signIn(grant("t1"));
    const http = createHttpClient({
      fetch: srv.fetch,
      baseUrl: "",
      auth: { accessToken: session.accessToken, refresh: session.refresh, sessionEnded: session.expire },
    });
    const response = await http.send("/api/payments");
    await expect(response.json()).resolves.toEqual({ ok: true });
    expect(refreshRequest).toHaveBeenCalledTimes(1);
    expect(srv.calls).toEqual(["/api/payments Bearer t1", "/api/payments Bearer t2"]);
  });

  it("shares one refresh among calls that fail together", async () => {
    const srv = server(() => "t2");
    let release: (g: SessionGrant) => void = () => {};
    const refreshRequest = vi.fn(() => new Promise<SessionGrant>((resolve) => (release = resolve)));
    const session = createSessionStore({ refreshRequest, logoutRequest: async () => {} });
    session.signIn(grant("t1"));
    const http = createHttpClient({
      fetch: srv.fetch,
      baseUrl: "",
      auth: { accessToken: session.accessToken, refresh: session.refresh, sessionEnded: session.expire },
    });
    const calls = [1, 2, 3].map(() => http.send("/api/payments"));
    await new Promise((r) => setTimeout(r, 0));
    release(grant("t2"));
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshRequest).toHaveBeenCalledTimes(1);
  });

  it("does not refresh again when another call already got a new token", async () => {
    const refresh = vi.fn(async () => true);
    let token = "t1";
    const fetch: FetchLike = async (_url, init) => {
      // The token changes while this call is in flight (another call refreshed).
      const sent = authHeader(init);
      token = "t2";
      return sent === "Bearer t2"
        ? json(200, {})
        : json(401, { error: { type: "authentication", code: "x", message: "x" } });
    };
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => token, refresh, sessionEnded: () => {} },
    });
    await expect(http.send("/api/payments")).resolves.toHaveProperty("status", 200);
    expect(refresh).not.toHaveBeenCalled();
  });

  it("ends the session and throws when the refresh is refused", async () => {
    const srv = server(() => "never");
    const sessionEnded = vi.fn();
    const http = createHttpClient({
      fetch: srv.fetch,
      baseUrl: "",
      auth: { accessToken: () => "t1", refresh: async () => false, sessionEnded },
    });
    const error = await http.send("/api/payments").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(sessionEnded).toHaveBeenCalledTimes(1);
    expect(srv.calls).toHaveLength(1);
  });

  it("refreshes at most once: a second 401 ends the session instead of looping", async () => {
    const srv = server(() => "never");
    let token = "t1";
    const refresh = vi.fn(async () => {
      token = `t${Number(token.slice(1)) + 1}`;
      return true;
    });
    const sessionEnded = vi.fn();
    const http = createHttpClient({
      fetch: srv.fetch,
      baseUrl: "",
      auth: { accessToken: () => token, refresh, sessionEnded },
    });
    await expect(http.send("/api/payments")).rejects.toBeInstanceOf(ApiError);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(srv.calls).toHaveLength(2);
    expect(sessionEnded).toHaveBeenCalledTimes(1);
  });

  it("never refreshes for unauthenticated calls (a wrong password is not an expired token)", async () => {
    const refresh = vi.fn(async () => true);
    const fetch: FetchLike = async () =>
      json(401, {
        error: {
          type: "authentication",
          code: "invalid_credentials",
          message: "Wrong email or password.",
          request_id: "req-1",
        },
      });
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => "t", refresh, sessionEnded: () => {} },
    });
    const error = await http
      .send("/api/auth/login", { method: "POST", authenticated: false })
      .catch((e: unknown) => e);
    expect(describeError(error).detail).toBe("Wrong email or password.");
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe("requests and errors", () => {
  it("sends the idempotency key, JSON body and bearer token", async () => {
    let seen: RequestInit | undefined;
    const fetch: FetchLike = async (_url, init) => {
      seen = init;
      return json(201, { id: "pay_1" });
    };
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => "tok", refresh: async () => false, sessionEnded: () => {} },
    });
    await http.send("/api/payments", {
      method: "POST",
      body: { amount: 5 },
      idempotencyKey: "k1",
    });
    const headers = seen?.headers as Record<string, string>;
    expect(headers["idempotency-key"]).toBe("k1");
    expect(headers.authorization).toBe("Bearer tok");
    expect(seen?.body).toBe('{"amount":5}');
  });

  it("turns the uniform error body into an ApiError with its request id", async () => {
    const fetch: FetchLike = async () =>
      json(422, {
        error: {
          type: "idempotency",
          code: "key_reused",
          message: "Key reused with another body.",
          request_id: "req_9",
        },
      });
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} },
    });
    const error = await http.send("/api/payments", { method: "POST" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, type: "idempotency", code: "key_reused", requestId: "req_9" });
    expect(describeError(error)).toMatchObject({
      title: "This request was already sent",
      requestId: "req_9",
    });
  });

  it("hides server fault details but keeps the reference", async () => {
    const fetch: FetchLike = async () =>
      json(500, { error: { type: "internal", code: "internal", message: "boom", request_id: "req_5" } });
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} },
    });
    const described = describeError(await http.send("/x").catch((e: unknown) => e));
    expect(described.detail).not.toContain("boom");
    expect(described.requestId).toBe("req_5");
  });

  it("reports an unreachable server as a NetworkError", async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError("Failed to fetch");
    };
    const http = createHttpClient({
      fetch,
      baseUrl: "",
      auth: { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} },
    });
    await expect(http.send("/x")).rejects.toBeInstanceOf(NetworkError);
  });

  it("labels timings by route template, never by id", () => {
    expect(routeTemplate("/api/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6/refunds?x=1")).toBe(
      "/api/payments/:id/refunds",
    );
    expect(routeTemplate("/api/payments")).toBe("/api/payments");
  });
});

describe("trace context", () => {
  const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
  const noAuth = { accessToken: () => undefined, refresh: async () => false, sessionEnded: () => {} };

  it("sends a fresh traceparent per call; a failed call's error names its trace", async () => {
    const sent: string[] = [];
    const http = createHttpClient({
      baseUrl: "",
      auth: noAuth,
      fetch: async (_url, init) => {
        sent.push((init.headers as Record<string, string>).traceparent ?? "");
        return sent.length === 1
          ? json(200, {})
          : json(409, { error: { type: "conflict", code: "x", message: "No." } });
      },
    });
    await http.send("/api/a", { authenticated: false });
    const failed = await http.send("/api/b", { authenticated: false }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ApiError);
    const [first, second] = sent.map((header) => TRACEPARENT.exec(header));
    expect(first?.[1]).toBeDefined();
    expect(second?.[1]).not.toBe(first?.[1]);
    expect(traceOf(failed)).toBe(second?.[1]);
  });

  it("keeps the trace across the repeat after a refresh, with a new span id", async () => {
    const srv = server(() => "t2");
    const seen: string[] = [];
    const session = createSessionStore({
      refreshRequest: async () => grant("t2"),
      logoutRequest: async () => {},
    });
    session.signIn(grant("t1"));
    const http = createHttpClient({
      fetch: (url, init) => {
        seen.push((init.headers as Record<string, string>).traceparent ?? "");
        return srv.fetch(url, init);
      },
      baseUrl: "",
      auth: { accessToken: session.accessToken, refresh: session.refresh, sessionEnded: session.expire },
    });
    await http.send("/api/payments");
    const [first, second] = seen.map((header) => TRACEPARENT.exec(header));
    expect(second?.[1]).toBe(first?.[1]);
    expect(second?.[2]).not.toBe(first?.[2]);
  });

  it("a network failure remembers the trace of the call that never got an answer", async () => {
    const http = createHttpClient({
      baseUrl: "",
      auth: noAuth,
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const failed = await http.send("/api/x", { authenticated: false }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(NetworkError);
    expect(traceOf(failed)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceOf(new Error("unrelated"))).toBeUndefined();
  });
});
