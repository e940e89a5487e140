import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import type { DashboardView } from "@payments/contracts/http";
import { pruneSessions } from "../src/db/session-queries.ts";
import { adapters, buildAdmin, makeEvent, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

let testDb: TestDb;
let t: TestAdmin;

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
});
afterAll(async () => {
  await t.close();
  await testDb.close();
});

const HOUR = 3600_000;

async function dashboard(): Promise<DashboardView> {
  const res = await t.request("/dashboard?minutes=5&days=1", { token: await t.token("admin") });
  expect(res.status).toBe(200);
  return (await res.json()) as DashboardView;
}

function started(userId: string, sessionId: string, expiresInMs: number) {
  return makeEvent(
    "session.started",
    {
      user_id: userId as `usr_${string}`,
      session_id: sessionId as `ses_${string}`,
      role: "customer",
      expires_at: new Date(t.clock.now().getTime() + expiresInMs).toISOString(),
    },
    { subject: userId },
  );
}

describe(`active sessions on the dashboard (${adapters})`, () => {
  test("counts sessions started, not revoked and not expired, whatever the delivery order", async () => {
    t.clock.set(new Date());
    const alice = newId("usr");
    const bob = newId("usr");
    const [a1, a2, b1, b2, b3] = [newId("ses"), newId("ses"), newId("ses"), newId("ses"), newId("ses")];
    const revokeBeforeStart = makeEvent(
      "session.revoked",
      { user_id: bob, session_ids: [b1], reason: "revoked_by_user" },
      { subject: bob },
    );
    const startA1 = started(alice, a1, 24 * HOUR);
    await t.deliver(
      startA1,
      started(alice, a2, 24 * HOUR),
      revokeBeforeStart, // its start arrives later and must not revive it
      started(bob, b1, 24 * HOUR),
      started(bob, b2, -HOUR), // already expired
      started(bob, b3, 2 * HOUR),
      startA1, // redelivered: no second session
      makeEvent(
        "session.revoked",
        { user_id: alice, session_ids: [a2], reason: "logout" },
        { subject: alice },
      ),
    );
    const view = await dashboard();
    expect(view.active_sessions).toBe(2); // a1 and b3
    expect(view.last_24h.sessions_started).toBe(5);

    t.clock.set(new Date(t.clock.now().getTime() + 3 * HOUR)); // b3 expires
    expect((await dashboard()).active_sessions).toBe(1);
  });

  test("pruning removes ended and expired sessions, never a live one", async () => {
    // The clock is 3 h after the starts: a2 and b1 ended, b2 and b3 expired, a1 lives on.
    const removed = await pruneSessions(testDb.db, t.clock.now());
    expect(removed).toBe(4);
    expect((await dashboard()).active_sessions).toBe(1);
  });
});
