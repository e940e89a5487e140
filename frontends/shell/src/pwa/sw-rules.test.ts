import { describe, expect, it } from "vitest";
import {
  apiReadCacheKey,
  CACHED_AT_HEADER,
  isWorkerMessage,
  markStale,
  oneAtATime,
  type RequestFacts,
  STALE_HEADER,
  stampForCache,
  strategyFor,
  tokenSubject,
} from "./sw-rules.ts";

const origin = "https://pay.example";
function facts(path: string, extra: Partial<RequestFacts> = {}): RequestFacts {
  return { method: "GET", mode: "cors", destination: "", url: new URL(path, origin), origin, ...extra };
}
/** An unsigned JWT-shaped token (the worker reads the subject, it never verifies). */
function bearer(claims: object): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `Bearer ${part({ alg: "EdDSA" })}.${part(claims)}.c2ln`;
}

describe("strategyFor: the six strategies, each where it fits", () => {
  it("reads worth showing offline are network-first; nothing else under /api is cached", () => {
    expect(strategyFor(facts("/api/payments?limit=20"))).toBe("network-first-api-read");
    expect(strategyFor(facts("/api/profile/me"))).toBe("network-first-api-read");
    expect(strategyFor(facts("/api/profile/me/preferences"))).toBe("network-first-api-read");
    expect(strategyFor(facts("/api/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6"))).toBe("network-only");
    expect(strategyFor(facts("/api/auth/me"))).toBe("network-only");
    expect(strategyFor(facts("/ws"))).toBe("network-only");
  });

  it("writes are network-only, the analytics beacon goes through background sync", () => {
    expect(strategyFor(facts("/api/payments", { method: "POST" }))).toBe("network-only");
    expect(strategyFor(facts("/api/profile/me", { method: "PATCH" }))).toBe("network-only");
    expect(strategyFor(facts("/api/auth/sessions/ses_1", { method: "DELETE" }))).toBe("network-only");
    expect(strategyFor(facts("/api/analytics", { method: "POST" }))).toBe("network-only-beacon");
  });

  it("assets: navigations, fonts, remote files and images", () => {
    expect(strategyFor(facts("/payments", { mode: "navigate", destination: "document" }))).toBe("navigation");
    expect(strategyFor(facts("/assets/inter.woff2", { destination: "font" }))).toBe("stale-while-revalidate");
    expect(strategyFor(facts("/remotes/payments/remoteEntry.js", { destination: "script" }))).toBe(
      "stale-while-revalidate",
    );
    expect(strategyFor(facts("/remotes/admin/preload.json"))).toBe("stale-while-revalidate");
    expect(strategyFor(facts("https://cdn.example/x.css", { destination: "style" }))).toBe(
      "stale-while-revalidate",
    );
    expect(strategyFor(facts("/remotes/payments/assets/App-Dk3j2kd9.js", { destination: "script" }))).toBe(
      "cache-first-remote-asset",
    );
    expect(strategyFor(facts("/icon.svg", { destination: "image" }))).toBe("cache-first-image");
    // Left to the browser (or the precache): the shell's own files, a page's plain fetch of itself.
    expect(strategyFor(facts("/assets/index-abc12345.js", { destination: "script" }))).toBe("none");
    expect(strategyFor(facts("/payments"))).toBe("none");
    expect(strategyFor(facts("/upload", { method: "POST" }))).toBe("none");
  });
});

describe("per-user cache keys", () => {
  it("reads the subject of a bearer token, and nothing from anything else", () => {
    expect(tokenSubject(bearer({ sub: "usr_01j9abc" }))).toBe("usr_01j9abc");
    expect(tokenSubject(null)).toBeUndefined();
    expect(tokenSubject("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(tokenSubject("Bearer not-a-jwt")).toBeUndefined();
    expect(tokenSubject(bearer({ sub: "../../x" }))).toBeUndefined();
    expect(tokenSubject(bearer({ iss: "auth" }))).toBeUndefined();
  });

  it("keys a read by URL and user, so one user never sees another's cached list", () => {
    const alice = apiReadCacheKey(`${origin}/api/payments?limit=20`, bearer({ sub: "usr_alice" }));
    const bob = apiReadCacheKey(`${origin}/api/payments?limit=20`, bearer({ sub: "usr_bob" }));
    expect(alice).toBe(`${origin}/api/payments?limit=20&__user=usr_alice`);
    expect(bob).not.toBe(alice);
    expect(apiReadCacheKey(`${origin}/api/payments`, null)).toBeUndefined();
  });
});

describe("stale marking", () => {
  it("stamps a response when cached and marks it stale when served from the cache", async () => {
    const fresh = new Response('{"data":[]}', {
      status: 200,
      headers: { "content-type": "application/json" },
    });
    const stored = stampForCache(fresh, new Date("2026-12-06T09:00:00Z"));
    expect(stored.headers.get(CACHED_AT_HEADER)).toBe("2026-12-06T09:00:00.000Z");
    expect(stored.headers.get(STALE_HEADER)).toBeNull();
    const served = markStale(stored);
    expect(served.headers.get(STALE_HEADER)).toBe("stale");
    expect(served.headers.get(CACHED_AT_HEADER)).toBe("2026-12-06T09:00:00.000Z");
    expect(served.headers.get("content-type")).toBe("application/json");
    expect(await served.json()).toEqual({ data: [] });
  });

  it("falls back to the Date header for an entry cached without a stamp", () => {
    const old = new Response("{}", { headers: { date: "Sun, 06 Dec 2026 08:00:00 GMT" } });
    expect(markStale(old).headers.get(CACHED_AT_HEADER)).toBe("Sun, 06 Dec 2026 08:00:00 GMT");
  });
});

describe("worker messages", () => {
  it("accepts only the two it knows", () => {
    expect(isWorkerMessage({ type: "SKIP_WAITING" })).toBe(true);
    expect(isWorkerMessage({ type: "REPLAY_BEACONS" })).toBe(true);
    expect(isWorkerMessage({ type: "CLEAR" })).toBe(false);
    expect(isWorkerMessage("SKIP_WAITING")).toBe(false);
    expect(isWorkerMessage(null)).toBe(false);
  });
});

describe("oneAtATime: beacon replays never overlap", () => {
  it("starts each call after the previous one settled, failed ones included, each with its own outcome", async () => {
    const log: string[] = [];
    let running = 0;
    let call = 0;
    const replay = oneAtATime(async () => {
      const n = ++call;
      running++;
      log.push(`start ${n} (${running} running)`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      log.push(`end ${n}`);
      if (n === 2) throw new Error("still offline");
    });
    const outcomes = await Promise.allSettled([replay(), replay(), replay()]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(log).toEqual([
      "start 1 (1 running)",
      "end 1",
      "start 2 (1 running)",
      "end 2",
      "start 3 (1 running)",
      "end 3",
    ]);
  });
});
