/**
 * The presence cookie (docs/adr/0021): `has_session=1`, readable by the page, set with every refresh cookie
 * for as long as a refresh can succeed, and removed wherever the refresh cookie is — so the shell asks for a
 * refresh only when there is a session to continue, and an anonymous visit makes no failing request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  adapters,
  buildApp,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  refreshCookie,
  type TestApp,
  type TestDb,
  uniqueEmail,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
}, 120_000);
afterAll(() => testDb.close());

/** A Set-Cookie line split into its name, value and lower-cased attributes. */
interface SetCookie {
  value: string;
  attributes: Map<string, string>;
}

function cookiesOf(res: Response): Map<string, SetCookie> {
  const out = new Map<string, SetCookie>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = "", ...attrs] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const attributes = new Map<string, string>();
    for (const attr of attrs) {
      const at = attr.indexOf("=");
      attributes.set((at < 0 ? attr : attr.slice(0, at)).toLowerCase(), at < 0 ? "" : attr.slice(at + 1));
    }
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return out;
}

function presence(res: Response): SetCookie {
  const cookie = cookiesOf(res).get("has_session");
  if (!cookie) throw new Error(`no has_session cookie in ${res.headers.getSetCookie().join(" | ")}`);
  return cookie;
}

function registerRaw(): Promise<Response> {
  return t.request("/register", {
    json: { email: uniqueEmail("presence"), password: GOOD_PASSWORD, name: "Presence", role: "customer" },
  });
}

function refresh(cookie: string | undefined): Promise<Response> {
  return t.request("/refresh", {
    method: "POST",
    ...(cookie ? { cookie } : {}),
    headers: { origin: ORIGIN },
  });
}

describe(`presence cookie (${adapters})`, () => {
  test("sign-in sets has_session=1 for the whole site, readable by the page, until the idle end", async () => {
    const res = await registerRaw();
    expect(res.status).toBe(201);
    const cookie = presence(res);
    expect(cookie.value).toBe("1");
    expect(cookie.attributes.get("path")).toBe("/");
    expect(cookie.attributes.has("httponly")).toBe(false);
    expect(cookie.attributes.has("secure")).toBe(true);
    expect(cookie.attributes.get("samesite")).toBe("Strict");
    // Idle limit (30 min) minus the margin: the page stops trusting it just before the server would refuse.
    const idleSeconds = t.settings.session.idleMs / 1000;
    expect(Number(cookie.attributes.get("max-age"))).toBe(idleSeconds - 5);
    // The refresh cookie itself still lives until the absolute end and stays HttpOnly.
    const refreshLine = cookiesOf(res).get("refresh_token");
    expect(refreshLine?.attributes.has("httponly")).toBe(true);
    expect(Number(refreshLine?.attributes.get("max-age"))).toBe(t.settings.session.absoluteMs / 1000);
  });

  test("each refresh renews it; near the absolute end it ends with the session", async () => {
    let token = refreshCookie(await registerRaw());
    const step = 25 * 60_000;
    let last: Response | undefined;
    for (let elapsed = step; elapsed < t.settings.session.absoluteMs; elapsed += step) {
      t.clock.advance(step);
      last = await refresh(token);
      expect(last.status).toBe(200);
      token = refreshCookie(last);
    }
    if (!last) throw new Error("no refresh happened");
    // 12 h = 28 steps of 25 min + 20 min: the last refresh leaves 20 min, less than the idle limit.
    const remaining = t.settings.session.absoluteMs - Math.floor(t.settings.session.absoluteMs / step) * step;
    expect(Number(presence(last).attributes.get("max-age"))).toBe(remaining / 1000 - 5);
  });

  test("a refused refresh removes it, with or without a refresh cookie", async () => {
    const none = await refresh(undefined);
    expect(none.status).toBe(401);
    expect(presence(none).attributes.get("max-age")).toBe("0");
    const dead = await refresh("A".repeat(43));
    expect(dead.status).toBe(401);
    expect(presence(dead).attributes.get("max-age")).toBe("0");
    expect(cookiesOf(dead).get("refresh_token")?.attributes.get("max-age")).toBe("0");
  });

  test("logout and logout-all remove it", async () => {
    const first = (await (await registerRaw()).json()) as { access_token: string };
    const logout = await t.request("/logout", { method: "POST", token: first.access_token });
    expect(logout.status).toBe(204);
    expect(presence(logout).attributes.get("max-age")).toBe("0");
    expect(presence(logout).attributes.get("path")).toBe("/");

    const second = (await (await registerRaw()).json()) as { access_token: string };
    const all = await t.request("/logout-all", { method: "POST", token: second.access_token });
    expect(all.status).toBe(204);
    expect(presence(all).attributes.get("max-age")).toBe("0");
  });
});
