import { describe, expect, test } from "bun:test";
import { checkNewPassword, commonPasswordCount } from "./passwords.ts";
import { decideRefresh, type SessionPolicy, sessionEndsAt, sessionState } from "./sessions.ts";
import { delayAfterFailures } from "./throttle.ts";
import { normalizeEmail, planAdminChange } from "./users.ts";

describe("password policy", () => {
  test("the block list holds at least the top 10,000 passwords", () => {
    expect(commonPasswordCount).toBeGreaterThanOrEqual(10_000);
  });

  test("length counts code points, 8 to 128", () => {
    expect(checkNewPassword("Zq9!xk2m")).toBeUndefined();
    expect(checkNewPassword("Zq9!")).toBe("too_short");
    expect(checkNewPassword("🔑🔑🔑🔑🔑🔑🔑🔑")).toBeUndefined(); // 8 code points, 16 UTF-16 units
    expect(checkNewPassword("🔑".repeat(128))).toBeUndefined();
    expect(checkNewPassword("🔑".repeat(129))).toBe("too_long");
  });

  test("common passwords are refused whatever their case; no composition rules otherwise", () => {
    for (const p of ["password", "12345678", "iloveyou", "Sunshine1", "QWERTYUIOP"])
      expect(checkNewPassword(p)).toBe("common");
    expect(checkNewPassword("tulip glacier wombat")).toBeUndefined();
  });

  test("the account's email, its local part or the name (with a number tacked on) are refused", () => {
    const ctx = { email: "grace.hopper@example.com", name: "Grace Hopper" };
    expect(checkNewPassword("grace.hopper@example.com", ctx)).toBe("contains_identity");
    expect(checkNewPassword("Grace.Hopper1984", ctx)).toBe("contains_identity");
    expect(checkNewPassword("grace hopper!", ctx)).toBe("contains_identity");
    expect(checkNewPassword("cobol compiler 1959", ctx)).toBeUndefined();
  });
});

describe("sessions", () => {
  const policy: SessionPolicy = { absoluteMs: 12 * 3600_000, idleMs: 30 * 60_000, graceMs: 10_000 };
  const t0 = new Date("2030-01-01T00:00:00Z");
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const live = { lastUsedAt: t0, expiresAt: at(policy.absoluteMs), revokedAt: null };

  test("state: active, idle-expired, absolutely expired, revoked", () => {
    expect(sessionState(live, at(1000), policy)).toBe("active");
    expect(sessionState(live, at(policy.idleMs), policy)).toBe("expired");
    expect(
      sessionState({ ...live, lastUsedAt: at(policy.absoluteMs - 1) }, at(policy.absoluteMs), policy),
    ).toBe("expired");
    expect(sessionState({ ...live, revokedAt: t0 }, at(1), policy)).toBe("revoked");
    expect(sessionEndsAt(live, policy)).toEqual(at(policy.idleMs));
  });

  test("refresh decisions", () => {
    const current = { rotatedAt: null, successorRotated: false };
    expect(decideRefresh(current, live, at(1000), policy)).toBe("rotate");
    expect(decideRefresh(current, { ...live, revokedAt: t0 }, at(1000), policy)).toBe("ended");
    const justRotated = { rotatedAt: at(1000), successorRotated: false };
    expect(decideRefresh(justRotated, live, at(5000), policy)).toBe("concurrent");
    expect(decideRefresh(justRotated, live, at(1000 + policy.graceMs), policy)).toBe("reuse");
    expect(decideRefresh({ ...justRotated, successorRotated: true }, live, at(2000), policy)).toBe("reuse");
    expect(decideRefresh(justRotated, live, at(2000), { ...policy, graceMs: 0 })).toBe("reuse");
  });
});

test("progressive delay doubles after the free failures and stops at the maximum", () => {
  const policy = { freeFailures: 5, baseSeconds: 1, maxSeconds: 300 };
  expect([1, 5, 6, 7, 8, 10, 14, 1000].map((n) => delayAfterFailures(n, policy))).toEqual([
    0, 0, 1, 2, 4, 16, 256, 300,
  ]);
});

describe("admin changes", () => {
  const target = { id: "usr_b", role: "customer" as const, active: true };

  test("plans what changes and why sessions end", () => {
    expect(planAdminChange("usr_a", target, { role: "vendor" })).toEqual({
      roleChange: { from: "customer", to: "vendor" },
      revokeReason: "role_changed",
    });
    expect(planAdminChange("usr_a", target, { active: false, role: "vendor" })).toMatchObject({
      revokeReason: "user_deactivated",
    });
    expect(planAdminChange("usr_a", target, { active: true, role: "customer" })).toEqual({});
  });

  test("an admin may not change their own role or deactivate themselves, but a no-op is fine", () => {
    const self = { id: "usr_a", role: "admin" as const, active: true };
    expect(planAdminChange("usr_a", self, { role: "customer" })).toBe("cannot_change_own_account");
    expect(planAdminChange("usr_a", self, { active: false })).toBe("cannot_change_own_account");
    expect(planAdminChange("usr_a", self, { role: "admin" })).toEqual({});
  });
});

test("emails are normalised for comparison", () => {
  expect(normalizeEmail("  Ada@Example.COM ")).toBe("ada@example.com");
});
