import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authChangeEmail } from "@payments/contracts/http";
import { contractProblems } from "@payments/testing";
import { latestToken, mailsTo } from "./mail-support.ts";
import {
  adapters,
  buildApp,
  errorOf,
  GOOD_PASSWORD,
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
const login = (email: string) => t.request("/login", { json: { email, password: GOOD_PASSWORD } });
const change = (token: string, body: { new_email: string; current_password: string }) =>
  t.request("/email", { token, json: body });

describe(`e-mail change (${adapters})`, () => {
  test("nothing changes until the link mailed to the new address is opened; the old address is told", async () => {
    const user = await register(t);
    const next = uniqueEmail("moved");
    const res = await change(user.access_token, {
      new_email: next.toUpperCase(),
      current_password: GOOD_PASSWORD,
    });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toEqual({ pending_email: next });
    expect(contractProblems(authChangeEmail, 202, body)).toEqual([]);

    const [notice] = await mailsTo(t, testDb, user.user.email, "email_changed");
    expect(notice?.text).toContain(next);
    const [link] = await mailsTo(t, testDb, next, "email_change_verify");
    expect(link?.text).toMatch(/\/account\/verify\?token=/);

    // Still the old address: sign-in works with it only, and no event yet.
    expect((await login(user.user.email)).status).toBe(200);
    expect((await login(next)).status).toBe(401);
    const before = (await t.events()).filter((e) => e.type === "user.updated" && e.subject === user.user.id);
    expect(before.filter((e) => (e.data as { changed: string[] }).changed.includes("email"))).toEqual([]);

    const token = await latestToken(t, testDb, next, "email_change_verify");
    const confirmed = await verify(token);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ id: user.user.id, email: next, email_verified: true });
    expect((await login(next)).status).toBe(200);
    expect((await login(user.user.email)).status).toBe(401);
    const updates = (await t.events()).filter((e) => e.type === "user.updated" && e.subject === user.user.id);
    expect(updates.at(-1)?.data).toMatchObject({ email: next, changed: ["email"], email_verified: true });

    // Single use.
    const again = await verify(token);
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ code: "invalid_token" });
  });

  test("wrong password, the same address, a taken address are refused; only the newest link works", async () => {
    const user = await register(t);
    const other = await register(t);
    const wrong = await change(user.access_token, {
      new_email: uniqueEmail(),
      current_password: "nope nope nope",
    });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({
      code: "invalid_current_password",
      param: "current_password",
    });
    const same = await change(user.access_token, {
      new_email: user.user.email,
      current_password: GOOD_PASSWORD,
    });
    expect(await errorOf(same)).toMatchObject({ code: "email_unchanged" });
    const taken = await change(user.access_token, {
      new_email: other.user.email,
      current_password: GOOD_PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: "email_taken" });
    expect(
      (await t.request("/email", { json: { new_email: uniqueEmail(), current_password: "x" } })).status,
    ).toBe(401);

    const first = uniqueEmail("first");
    const second = uniqueEmail("second");
    expect(
      (await change(user.access_token, { new_email: first, current_password: GOOD_PASSWORD })).status,
    ).toBe(202);
    expect(
      (await change(user.access_token, { new_email: second, current_password: GOOD_PASSWORD })).status,
    ).toBe(202);
    const stale = await verify(await latestToken(t, testDb, first, "email_change_verify"));
    expect(stale.status).toBe(400);
    expect((await verify(await latestToken(t, testDb, second, "email_change_verify"))).status).toBe(200);
  });

  test("an address another account took meanwhile is 409 at confirmation, and the account keeps its own", async () => {
    const user = await register(t);
    const next = uniqueEmail("contested");
    expect(
      (await change(user.access_token, { new_email: next, current_password: GOOD_PASSWORD })).status,
    ).toBe(202);
    const token = await latestToken(t, testDb, next, "email_change_verify");
    await register(t, { email: next });
    const res = await verify(token);
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "email_taken" });
    expect((await login(user.user.email)).status).toBe(200);
  });
});
