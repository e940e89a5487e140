import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  AUTH_OPERATIONS,
  authAcceptInvitation,
  authChangeEmail,
  authChangePassword,
  authCompleteLogin,
  authDevMailbox,
  authDevMailboxPage,
  authDisableTwoFactor,
  authEnableTwoFactor,
  authForgotPassword,
  authGetMe,
  authGetTwoFactor,
  authInviteUser,
  authJwks,
  authListSessions,
  authListUsers,
  authLogin,
  authLogout,
  authLogoutAll,
  authRefresh,
  authRegenerateRecoveryCodes,
  authRegister,
  authResendVerification,
  authResetPassword,
  authRevokeOtherSessions,
  authRevokeSession,
  authSetupTwoFactor,
  authUpdateUser,
  authVerifyEmail,
  buildOpenApi,
} from "@payments/contracts/http";
import { routeCoverage } from "@payments/service-kit";
import { generate } from "otplib";
import { REFRESH_COOKIE } from "../src/settings.ts";
import { conformsTo, isIntegrationOperation } from "./contract-support.ts";
import { latestToken } from "./mail-support.ts";
import {
  adapters,
  buildApp,
  GOOD_PASSWORD,
  ORIGIN,
  openTestDb,
  refreshCookie,
  register,
  type SignedIn,
  signedIn,
  signInAdmin,
  type TestApp,
  type TestDb,
  uniqueEmail,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  admin = await signInAdmin(t, testDb);
}, 120_000);
afterAll(() => testDb.close());

/** Operations whose real answers this file checked, to prove none was left out. */
const exercised = new Set<string>();
const conforms = conformsTo(exercised);

const post = (path: string, json?: unknown, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", headers: { origin: ORIGIN, ...headers }, json });

describe(`auth routes are its contract (${adapters})`, () => {
  test("every route is declared in @payments/contracts/http, and every declared route is served", async () => {
    // With the development mailbox, as outside production (its routes are declared, development only).
    const app = (await buildApp(testDb, { devMailboxDir: "/nonexistent/mailbox" })).app;
    expect(routeCoverage(app, "auth")).toEqual({ undeclared: [], missing: [] });
  });

  test("the e-mail change answers as documented", async () => {
    const { access_token: token } = await register(t);
    await conforms(
      authChangeEmail,
      await t.request("/email", {
        token,
        json: { new_email: uniqueEmail("moving"), current_password: "wrong one" },
      }),
      400,
    );
    await conforms(
      authChangeEmail,
      await t.request("/email", {
        token,
        json: { new_email: uniqueEmail("moving"), current_password: GOOD_PASSWORD },
      }),
      202,
    );
  });

  test("sign-in, tokens and sessions answer exactly as documented", async () => {
    const email = uniqueEmail("contract");
    const reg = (await conforms(
      authRegister,
      await post("/register", { email, password: GOOD_PASSWORD, name: "Contract", role: "vendor" }),
      201,
    )) as { access_token: string };
    await conforms(
      authRegister,
      await post("/register", { email, password: GOOD_PASSWORD, name: "Again", role: "vendor" }),
      409,
    );

    const loginRes = await post("/login", { email, password: GOOD_PASSWORD });
    await conforms(authLogin, loginRes, 200);
    await conforms(authLogin, await post("/login", { email, password: "wrong password 42" }), 401);

    const refreshed = await post("/refresh", undefined, {
      cookie: `refresh_token=${refreshCookie(loginRes)}`,
    });
    const rotated = (await conforms(authRefresh, refreshed, 200)) as { access_token: string };
    await conforms(authRefresh, await post("/refresh"), 401);

    const token = reg.access_token;
    await conforms(authGetMe, await t.request("/me", { token }), 200);
    await conforms(authGetMe, await t.request("/me"), 401);
    await conforms(authListSessions, await t.request("/sessions?limit=1", { token }), 200);
    await conforms(authListSessions, await t.request("/sessions?page=2", { token }), 400);

    const sid = JSON.parse(Buffer.from(rotated.access_token.split(".")[1] ?? "", "base64url").toString()) as {
      sid: string;
    };
    await conforms(
      authRevokeSession,
      // Its own session, so the cookie is cleared as documented.
      await t.request(`/sessions/${sid.sid}`, { method: "DELETE", token: rotated.access_token }),
      204,
    );
    await conforms(authRevokeSession, await t.request("/sessions/42", { method: "DELETE", token }), 404);

    await signedIn(await post("/login", { email, password: GOOD_PASSWORD }));
    await conforms(
      authRevokeOtherSessions,
      await t.request("/sessions?others=true", { method: "DELETE", token }),
      200,
    );

    const jwks = await t.request("/.well-known/jwks.json");
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=300");
    await conforms(authJwks, jwks, 200);

    await conforms(
      authChangePassword,
      await t.request("/password", {
        token,
        json: { current_password: "not it at all", new_password: "another fine password 7" },
      }),
      400,
    );
    await conforms(
      authChangePassword,
      await t.request("/password", {
        token,
        json: { current_password: GOOD_PASSWORD, new_password: "another fine password 7" },
      }),
      204,
    );

    await conforms(authLogoutAll, await t.request("/logout-all", { method: "POST", token }), 204);
    await conforms(authLogoutAll, await t.request("/logout-all", { method: "POST", token }), 401);
    const last = await signedIn(await post("/login", { email, password: "another fine password 7" }));
    await conforms(authLogout, await t.request("/logout", { method: "POST", token: last.access_token }), 204);
    await conforms(
      authLogout,
      await t.request("/logout", {
        method: "POST",
        headers: { origin: "https://evil.example" },
        cookie: "x",
      }),
      403,
    );
  });

  test("user management answers exactly as documented", async () => {
    const customer = await register(t, { role: "customer" });
    const token = admin.access_token;
    await conforms(authListUsers, await t.request("/admin/users?limit=3&role=customer", { token }), 200);
    await conforms(authListUsers, await t.request("/admin/users", { token: customer.access_token }), 403);
    await conforms(
      authUpdateUser,
      await t.request(`/admin/users/${customer.user.id}`, {
        method: "PATCH",
        token,
        json: { active: false },
      }),
      200,
    );
    await conforms(
      authUpdateUser,
      await t.request(`/admin/users/${admin.user.id}`, { method: "PATCH", token, json: { role: "vendor" } }),
      409,
    );
  });

  test("two-factor answers exactly as documented", async () => {
    const user = await register(t, { role: "customer" });
    const token = user.access_token;
    const code = (secret: string) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    await conforms(authGetTwoFactor, await t.request("/2fa", { token }), 200);
    await conforms(
      authEnableTwoFactor,
      await t.request("/2fa/enable", { token, json: { code: "123456" } }),
      409,
    );
    const setup = (await conforms(
      authSetupTwoFactor,
      await t.request("/2fa/setup", { method: "POST", token }),
      200,
    )) as { secret: string };
    await conforms(
      authEnableTwoFactor,
      await t.request("/2fa/enable", { token, json: { code: "12345" } }),
      400,
    );
    await conforms(
      authEnableTwoFactor,
      await t.request("/2fa/enable", { token, json: { code: await code(setup.secret) } }),
      200,
    );
    await conforms(authSetupTwoFactor, await t.request("/2fa/setup", { method: "POST", token }), 409);
    t.clock.advance(30_000);

    const login = await conforms(
      authLogin,
      await post("/login", { email: user.user.email, password: GOOD_PASSWORD }),
      202,
    );
    const { challenge } = login as { challenge: string };
    await conforms(
      authCompleteLogin,
      await post("/login/2fa", { challenge, code: "000000", recovery_code: "x" }),
      400,
    );
    await conforms(
      authCompleteLogin,
      await post(
        "/login/2fa",
        { challenge, code: await code(setup.secret) },
        { origin: "https://evil.example" },
      ),
      403,
    );
    await conforms(
      authCompleteLogin,
      await post("/login/2fa", { challenge: "y".repeat(43), code: "000000" }),
      401,
    );
    await conforms(
      authCompleteLogin,
      await post("/login/2fa", { challenge, code: await code(setup.secret) }),
      200,
    );

    const regenerated = await t.request("/2fa/recovery-codes", {
      token,
      json: { code: await code(setup.secret) },
    });
    // The login just spent this step's code.
    await conforms(authRegenerateRecoveryCodes, regenerated, 400);
    t.clock.advance(30_000);
    await conforms(
      authRegenerateRecoveryCodes,
      await t.request("/2fa/recovery-codes", { token, json: { code: await code(setup.secret) } }),
      200,
    );
    t.clock.advance(30_000);
    await conforms(
      authDisableTwoFactor,
      await t.request("/2fa/disable", { token, json: { code: await code(setup.secret) } }),
      204,
    );
    await conforms(
      authDisableTwoFactor,
      await t.request("/2fa/disable", { token, json: { code: "123456" } }),
      409,
    );
    await conforms(
      authRegenerateRecoveryCodes,
      await t.request("/2fa/recovery-codes", { token, json: { code: "123456" } }),
      409,
    );
  });

  test("verification, reset, invitations and the development mailbox answer exactly as documented", async () => {
    const user = await register(t, { role: "vendor" });
    const email = user.user.email;
    await conforms(authVerifyEmail, await post("/email/verify", { token: "forged" }), 400);
    await conforms(
      authResendVerification,
      await t.request("/email/resend", { method: "POST", token: user.access_token }),
      202,
    );
    const verifyToken = await latestToken(t, testDb, email, "verify_email");
    await conforms(authVerifyEmail, await post("/email/verify", { token: verifyToken }), 200);
    await conforms(
      authResendVerification,
      await t.request("/email/resend", { method: "POST", token: user.access_token }),
      409,
    );

    await conforms(authForgotPassword, await post("/password/forgot", { email }), 202);
    await conforms(authForgotPassword, await post("/password/forgot", { email: "not-an-address" }), 400);
    const resetToken = await latestToken(t, testDb, email, "password_reset");
    await conforms(
      authResetPassword,
      await post("/password/reset", { token: resetToken, password: "x" }),
      400,
    );
    await conforms(
      authResetPassword,
      await post("/password/reset", { token: resetToken, password: "a reset passphrase 11" }),
      204,
    );

    const invitee = uniqueEmail("invited");
    const inviteBody = { email: invitee, name: "Invited", role: "vendor" };
    const invited = await t.request("/admin/invitations", { token: admin.access_token, json: inviteBody });
    await conforms(authInviteUser, invited, 201);
    await conforms(
      authInviteUser,
      await t.request("/admin/invitations", { token: admin.access_token, json: inviteBody }),
      409,
    );
    await conforms(
      authInviteUser,
      await t.request("/admin/invitations", { token: (await register(t)).access_token, json: inviteBody }),
      403,
    );
    const inviteToken = await latestToken(t, testDb, invitee, "invitation");
    await conforms(
      authAcceptInvitation,
      await post("/invitations/accept", { token: inviteToken, password: "joining passphrase 12" }),
      200,
    );
    await conforms(
      authAcceptInvitation,
      await post("/invitations/accept", { token: inviteToken, password: "joining passphrase 12" }),
      400,
    );

    const withMailbox = await buildApp(testDb, { devMailboxDir: "/nonexistent/mailbox" });
    // An HTML page (its documented media type), which `conforms` does not parse.
    const page = await withMailbox.app.request("/dev/mailbox");
    exercised.add(authDevMailboxPage.id);
    expect({ status: page.status, type: page.headers.get("content-type") }).toEqual({
      status: 200,
      type: "text/html; charset=utf-8",
    });
    await conforms(authDevMailbox, await withMailbox.app.request("/dev/mailbox/messages"), 200);
    await conforms(authDevMailbox, await withMailbox.app.request("/dev/mailbox/messages?to=x"), 400);
    // This file's app is built without a mailbox, as production is.
    await conforms(authDevMailboxPage, await t.request("/dev/mailbox"), 404);
    await conforms(authDevMailbox, await t.request("/dev/mailbox/messages"), 404);
  });

  test("the refresh_cookie security scheme names the cookie auth really sets", async () => {
    const doc = buildOpenApi(AUTH_OPERATIONS) as {
      components: { securitySchemes: { refresh_cookie: { name: string } } };
    };
    expect(doc.components.securitySchemes.refresh_cookie.name).toBe(REFRESH_COOKIE);
    const res = await register(t);
    expect(res.setCookie.startsWith(`${REFRESH_COOKIE}=`)).toBe(true);
  });

  test("every operation was checked against a real answer (API keys and webhooks: contract-integrations)", () => {
    const here = AUTH_OPERATIONS.filter((op) => !isIntegrationOperation(op.id));
    expect([...exercised].sort()).toEqual(here.map((op) => op.id).sort());
  });
});
