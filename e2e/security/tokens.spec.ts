/**
 * Token attacks through the edge (Caddy → gateway → each service's verifier): every forged, altered,
 * expired, mis-addressed or misused token gets 401 in the uniform shape on every service, while the
 * genuine token of the same user is accepted (so the 401s mean the check, not a broken route).
 */
import { expect, test } from "@playwright/test";
import { Api, errorShapeProblem } from "../support/api.ts";
import { readE2eEnv } from "../support/config.ts";
import {
  algNone,
  hmacWithPublicKey,
  ownKey,
  platformKey,
  signedWithPlatformKey,
  tampered,
} from "./tokens.ts";

const edge = new Api("edge");
const env = readE2eEnv();

/** One route per verifier: auth, payments, admin (needs admin), profile, the gateway's own. */
const TARGETS: Array<{ method: string; path: string; admin?: boolean }> = [
  { method: "GET", path: "/api/auth/me" },
  { method: "GET", path: "/api/payments?limit=1" },
  { method: "GET", path: "/api/admin/dashboard", admin: true },
  { method: "GET", path: "/api/profile/me" },
  { method: "POST", path: "/api/realtime/ticket" },
];

let customerToken = "";
let adminToken = "";
let refreshToken = "";

let customer: { email: string; password: string };

test.beforeAll(async () => {
  const user = await edge.register("customer", "tokens");
  customer = { email: user.email, password: user.password };
});

// Fresh tokens for every test (they live 3 minutes here): a rejection must never be mere expiry.
test.beforeEach(async () => {
  const res = await edge.call("POST", "/api/auth/login", { body: customer });
  customerToken = String((res.json as { access_token?: string }).access_token);
  const cookie = [res.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("refresh_token="));
  refreshToken = cookie?.split(";")[0]?.slice("refresh_token=".length) ?? "";
  adminToken = (await edge.login({ email: env.adminEmail, password: env.adminPassword })).token;
});

async function expectRejected(token: string, what: string): Promise<void> {
  for (const target of TARGETS) {
    const res = await edge.call(target.method, target.path, { token });
    expect(res.status, `${what} on ${target.method} ${target.path}: ${res.text.slice(0, 200)}`).toBe(401);
    expect(errorShapeProblem(res), `${what} on ${target.path}`).toBeUndefined();
  }
}

test("the genuine tokens are accepted everywhere (control)", async () => {
  for (const target of TARGETS) {
    const res = await edge.call(target.method, target.path, {
      token: target.admin ? adminToken : customerToken,
    });
    expect(res.status, `${target.method} ${target.path}: ${res.text.slice(0, 200)}`).toBeLessThan(300);
  }
});

test("alg none is refused", async () => {
  await expectRejected(algNone(customerToken), "alg none");
  await expectRejected(algNone(adminToken), "alg none (admin claims)");
});

test("a payload changed under the original signature is refused", async () => {
  await expectRejected(tampered(customerToken), "tampered");
});

test("a token signed with an attacker's key under the platform's kid is refused", async () => {
  await expectRejected(await ownKey(adminToken), "forged");
});

test("HS256 keyed with the public JWK (algorithm confusion) is refused", async () => {
  const jwks = await edge.call("GET", "/api/auth/.well-known/jwks.json");
  await expectRejected(await hmacWithPublicKey(adminToken, jwks.json as { keys: [] }), "alg confusion");
});

test("a refresh token used as an access token is refused", async () => {
  expect(refreshToken.length).toBeGreaterThan(20);
  await expectRejected(refreshToken, "refresh-as-access");
});

test("the token of a signed-out session is refused by auth and by the realtime ticket", async () => {
  const user = await edge.register("customer", "revoked");
  expect((await edge.call("POST", "/api/auth/logout", { token: user.token })).status).toBeLessThan(300);
  for (const path of ["/api/auth/me", "/api/realtime/ticket"]) {
    const res = await edge.call(path.endsWith("ticket") ? "POST" : "GET", path, { token: user.token });
    expect(res.status, `${path}: ${res.text}`).toBe(401);
  }
});

test.describe("claims checked beyond the signature (tokens signed with the platform's own key)", () => {
  let key: Awaited<ReturnType<typeof platformKey>>;
  test.beforeAll(async () => {
    key = await platformKey();
  });

  const CASES: Array<[string, (c: Record<string, unknown>) => Record<string, unknown>]> = [
    ["wrong audience", (c) => ({ ...c, aud: "urn:payments:other-api" })],
    ["wrong issuer", (c) => ({ ...c, iss: "urn:evil:auth" })],
    [
      "expired",
      (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    ["not yet valid", (c) => ({ ...c, nbf: Math.floor(Date.now() / 1000) + 3600 })],
    ["no expiry", ({ exp: _exp, ...c }) => c],
    ["no audience", ({ aud: _aud, ...c }) => c],
  ];
  for (const [name, edit] of CASES) {
    test(name, async () => {
      test.skip(!key && !env.ci, "needs the platform on Postgres (POSTGRES_URL) to read its signing key");
      expect(key, "CI runs the e2e platform on Postgres").toBeDefined();
      if (!key) return;
      // The same key and claims with nothing changed must pass: the rejection is the claim's doing.
      const control = await signedWithPlatformKey(key, customerToken, (c) => c);
      expect((await edge.call("GET", "/api/auth/me", { token: control })).status).toBe(200);
      await expectRejected(await signedWithPlatformKey(key, customerToken, edit), name);
    });
  }
});
