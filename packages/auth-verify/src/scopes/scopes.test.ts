import { describe, expect, test } from "bun:test";
import { ApiError } from "@payments/service-kit";
import type { AuthContext } from "../verifier/verifier.ts";
import { checkScopes, requiredScopes } from "./scopes.ts";

const person: AuthContext = {
  userId: "usr_01j9z3k7aaaaaaaaaaaaaaaaaa",
  role: "vendor",
  sessionId: "ses_01j9z3k7aaaaaaaaaaaaaaaaaa",
  expiresAt: new Date(Date.now() + 60_000),
  mfa: false,
};
const key = (
  scopes: AuthContext["apiKey"] extends infer K ? (K extends { scopes: infer S } ? S : never) : never,
) => ({
  ...person,
  apiKey: { id: "apk_01j9z3k7aaaaaaaaaaaaaaaaaa" as const, scopes },
});
const PAY = "pay_01j9z3k7aaaaaaaaaaaaaaaaaa";

function refusal(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return `${error.status} ${error.code}`;
    throw error;
  }
}

describe("requiredScopes", () => {
  test("finds the contract operation of a concrete request, literal paths before parameters", () => {
    expect(requiredScopes("payments", "POST", `/${PAY}/refunds`)).toEqual(["refunds:write"]);
    expect(requiredScopes("payments", "GET", "/reports/summary")).toEqual(["payments:read"]);
    expect(requiredScopes("payments", "GET", `/${PAY}`)).toEqual(["payments:read"]);
    expect(requiredScopes("payments", "POST", "/")).toEqual(["payments:write"]);
    expect(requiredScopes("payments", "DELETE", `/${PAY}`)).toBeUndefined();
    expect(requiredScopes("auth", "GET", "/me")).toBeUndefined();
  });
});

describe("checkScopes", () => {
  test("people's tokens are not limited by scopes", () => {
    expect(refusal(() => checkScopes(person, undefined, "POST", `/${PAY}/refunds`))).toBeUndefined();
  });
  test("a key passes only with every scope the route names", () => {
    expect(refusal(() => checkScopes(key(["payments:read"]), "payments", "GET", "/"))).toBeUndefined();
    expect(refusal(() => checkScopes(key(["payments:read"]), "payments", "POST", `/${PAY}/refunds`))).toBe(
      "403 insufficient_scope",
    );
    expect(
      refusal(() => checkScopes(key(["refunds:write"]), "payments", "POST", `/${PAY}/refunds`)),
    ).toBeUndefined();
  });
  test("a route naming no scope, or a guard that names no service, is closed to keys", () => {
    const all = key(["payments:read", "payments:write", "refunds:write", "balance:read"]);
    expect(refusal(() => checkScopes(all, "auth", "GET", "/me"))).toBe("403 insufficient_scope");
    expect(refusal(() => checkScopes(all, undefined, "GET", "/"))).toBe("403 insufficient_scope");
  });
});
