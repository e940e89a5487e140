import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { latestToken, mailsTo } from "./mail-support.ts";
import {
  adapters,
  buildApp,
  errorOf,
  ORIGIN,
  openTestDb,
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

const PASSWORD = "invited and very welcome 5";
const invite = (token: string, body: unknown) => t.request("/admin/invitations", { token, json: body });
const accept = (body: unknown) =>
  t.request("/invitations/accept", { headers: { origin: ORIGIN }, json: body });

describe(`admin invitations (${adapters})`, () => {
  test("an admin invites a user: the account exists unverified, user.invited names the admin, a mail has the link", async () => {
    const email = uniqueEmail("invitee");
    const res = await invite(admin.access_token, {
      email,
      name: "Ivy Invited",
      role: "vendor",
      locale: "de",
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as { id: string; email: string; role: string; email_verified: boolean };
    expect(user).toMatchObject({ email, role: "vendor", email_verified: false });
    const invited = (await t.events()).filter((e) => e.type === "user.invited" && e.subject === user.id);
    expect(invited.map((e) => e.data)).toEqual([
      expect.objectContaining({ id: user.id, invited_by: admin.user.id, email_verified: false }),
    ]);
    expect((await t.events()).some((e) => e.type === "user.registered" && e.subject === user.id)).toBe(false);
    const [mail] = await mailsTo(t, testDb, email, "invitation");
    expect(mail?.locale).toBe("de");
    expect(mail?.text).toContain("Admin hat Sie als Händler zur Zahlungsplattform eingeladen.");
    expect(mail?.text).toMatch(/https:\/\/pay\.example\.test\/account\/invitation\?token=/);
    // No password works until the invited person sets one.
    for (const password of ["", PASSWORD, "correct horse battery staple 42"]) {
      const login = await t.request("/login", {
        headers: { origin: ORIGIN },
        json: { email, password: password || "x" },
      });
      expect(login.status).toBe(401);
    }
  });

  test("the invited person sets a password through the link and is signed in, verified", async () => {
    const email = uniqueEmail("joiner");
    const created = (await (
      await invite(admin.access_token, { email, name: "Jo", role: "customer" })
    ).json()) as {
      id: string;
    };
    const token = await latestToken(t, testDb, email, "invitation");
    const weak = await accept({ token, password: "short" });
    expect(weak.status).toBe(400);
    expect((await errorOf(weak)).code).toBe("password_too_short");

    const session = await signedIn(await accept({ token, password: PASSWORD }));
    expect(session.user).toMatchObject({ id: created.id, email, email_verified: true });
    expect((await t.request("/me", { token: session.access_token })).status).toBe(200);
    const registered = (await t.events()).filter(
      (e) => e.type === "user.registered" && e.subject === created.id,
    );
    expect(registered.map((e) => e.data)).toEqual([expect.objectContaining({ email_verified: true })]);
    const login = await t.request("/login", {
      headers: { origin: ORIGIN },
      json: { email, password: PASSWORD },
    });
    expect(login.status).toBe(200);

    const again = await accept({ token, password: "another fine passphrase 3" });
    expect(again.status).toBe(400);
    expect((await errorOf(again)).code).toBe("invalid_token");
  });

  test("only admins invite, a taken address is 409, and an invitation lasts 72 hours", async () => {
    const customer = await register(t);
    const email = uniqueEmail("late");
    expect((await invite(customer.access_token, { email, name: "X", role: "admin" })).status).toBe(403);
    expect(
      (await invite(admin.access_token, { email: customer.user.email, name: "X", role: "vendor" })).status,
    ).toBe(409);
    expect((await invite(admin.access_token, { email, name: "Late", role: "admin" })).status).toBe(201);
    const token = await latestToken(t, testDb, email, "invitation");
    t.clock.advance(72 * 3600_000 + 1000);
    const res = await accept({ token, password: PASSWORD });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_token");
    // Expired invitation: "forgot password" still reaches the address and sets a password.
    await t.request("/password/forgot", { headers: { origin: ORIGIN }, json: { email } });
    const reset = await latestToken(t, testDb, email, "password_reset");
    const done = await t.request("/password/reset", {
      headers: { origin: ORIGIN },
      json: { token: reset, password: PASSWORD },
    });
    expect(done.status).toBe(204);
    expect(
      (await t.request("/login", { headers: { origin: ORIGIN }, json: { email, password: PASSWORD } }))
        .status,
    ).toBe(200);
  });
});
