import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accountTokens } from "../src/db/schema.ts";
import { hashRefreshToken, newRefreshToken } from "../src/security/tokens.ts";
import { latestToken, mailsTo, tokenIn } from "./mail-support.ts";
import {
  adapters,
  buildApp,
  errorOf,
  ORIGIN,
  openTestDb,
  register,
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

const verify = (token: string) =>
  t.request("/email/verify", { headers: { origin: ORIGIN }, json: { token } });

describe(`e-mail verification (${adapters})`, () => {
  test("registering queues a verification mail in the request's language, with a link to the verify page", async () => {
    const email = uniqueEmail("verify");
    const res = await t.request("/register", {
      headers: { "accept-language": "de-DE,de;q=0.9,en;q=0.5" },
      json: { email, password: "correct horse battery staple 42", name: "Grete", role: "customer" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { email_verified: boolean } };
    expect(body.user.email_verified).toBe(false);
    const [mail, ...more] = await mailsTo(t, testDb, email);
    expect(more).toEqual([]);
    expect(mail?.template).toBe("verify_email");
    expect(mail?.locale).toBe("de");
    expect(mail?.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse");
    expect(mail?.text).toContain("Hallo Grete,");
    expect(mail?.text).toMatch(/https:\/\/pay\.example\.test\/account\/verify\?token=[A-Za-z0-9_-]{43}/);
  });

  test("the token verifies the address once; payments hears of it through user.updated", async () => {
    const user = await register(t);
    const me = async () =>
      ((await (await t.request("/me", { token: user.access_token })).json()) as { email_verified: boolean })
        .email_verified;
    expect(await me()).toBe(false);
    const token = await latestToken(t, testDb, user.user.email, "verify_email");
    const res = await verify(token);
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown).toMatchObject({ id: user.user.id, email_verified: true });
    expect(await me()).toBe(true);
    const updated = (await t.events()).filter((e) => e.type === "user.updated" && e.subject === user.user.id);
    expect(updated.map((e) => e.data)).toEqual([
      expect.objectContaining({ email_verified: true, changed: ["email_verified"] }),
    ]);
    // Used: the same link again is refused like any other bad token.
    const again = await verify(token);
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ code: "invalid_token", param: "token" });
  });

  test("only the token's hash is stored", async () => {
    const user = await register(t);
    const token = await latestToken(t, testDb, user.user.email, "verify_email");
    const rows = await testDb.db.select().from(accountTokens).where(eq(accountTokens.userId, user.user.id));
    expect(rows.map((r) => r.tokenHash)).toEqual([hashRefreshToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  test("forged, malformed, expired and used tokens get one and the same answer", async () => {
    const user = await register(t);
    const token = await latestToken(t, testDb, user.user.email, "verify_email");
    const answers = [];
    for (const bad of [newRefreshToken(), "abc", `${token.slice(0, 42)}!`]) answers.push(await verify(bad));
    t.clock.advance(24 * 3600_000 + 1000);
    answers.push(await verify(token));
    const errors = await Promise.all(
      answers.map(async (r) => {
        const { type, code, param, message } = await errorOf(r);
        return { status: r.status, type, code, param, message };
      }),
    );
    expect(new Set(errors.map((e) => JSON.stringify(e))).size).toBe(1);
    expect(errors[0]).toMatchObject({ status: 400, type: "invalid_request", code: "invalid_token" });
  });

  test("resend mails a new link, earlier links keep working; a verified address is 409", async () => {
    const user = await register(t);
    const first = await latestToken(t, testDb, user.user.email, "verify_email");
    const res = await t.request("/email/resend", { method: "POST", token: user.access_token });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    const mails = await mailsTo(t, testDb, user.user.email, "verify_email");
    expect(mails).toHaveLength(2);
    expect(tokenIn(mails[1]?.text ?? null)).not.toBe(first);
    expect((await verify(first)).status).toBe(200);
    const done = await t.request("/email/resend", { method: "POST", token: user.access_token });
    expect(done.status).toBe(409);
    expect((await errorOf(done)).code).toBe("email_already_verified");
    expect((await t.request("/email/resend", { method: "POST" })).status).toBe(401);
  });

  test("resend is limited per account (429 with Retry-After)", async () => {
    const limited = await buildApp(testDb, { mailLimits: { perAddressHour: 2 } });
    const user = await register(limited);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await limited.request("/email/resend", { method: "POST", token: user.access_token })).status,
      );
    }
    expect(statuses).toEqual([202, 202, 429]);
    const refused = await limited.request("/email/resend", { method: "POST", token: user.access_token });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Registration's mail plus the two allowed resends; the refused ones sent nothing.
    expect(await mailsTo(limited, testDb, user.user.email, "verify_email")).toHaveLength(3);
  });
});
