import { describe, expect, test } from "bun:test";
import { ApiError } from "@payments/service-kit";
import { rememberVerifiedTokens } from "./remember.ts";
import type { AuthContext, JwtVerifier } from "./verifier.ts";

/** A verifier that counts its calls and answers from a table (a missing token is refused with 401). */
function countingVerifier(identities: Record<string, AuthContext>) {
  const calls: string[] = [];
  const verifier: JwtVerifier = {
    async verify(token) {
      calls.push(token);
      const auth = identities[token];
      if (!auth) throw new ApiError(401, "authentication", "invalid_token", "refused");
      return auth;
    },
  };
  return { verifier, calls };
}

const identity = (expiresInMs: number): AuthContext => ({
  userId: "usr_01jtestuser0000000000000000",
  role: "customer",
  sessionId: "ses_01jtestsession00000000000000",
  expiresAt: new Date(Date.now() + expiresInMs),
  mfa: false,
});

describe("rememberVerifiedTokens", () => {
  test("verifies a token once and reuses the identity while it is valid", async () => {
    const { verifier, calls } = countingVerifier({ good: identity(60_000) });
    const remembered = rememberVerifiedTokens(verifier);
    const first = await remembered.verify("good");
    expect(await remembered.verify("good")).toBe(first);
    expect(calls).toEqual(["good"]);
  });

  test("refused tokens are checked every time", async () => {
    const { verifier, calls } = countingVerifier({});
    const remembered = rememberVerifiedTokens(verifier);
    await expect(remembered.verify("bad")).rejects.toMatchObject({ status: 401 });
    await expect(remembered.verify("bad")).rejects.toMatchObject({ status: 401 });
    expect(calls).toEqual(["bad", "bad"]);
  });

  test("nothing is reused past the token's expiry or the maximum age", async () => {
    const { verifier, calls } = countingVerifier({ expired: identity(-1_000), short: identity(60_000) });
    const remembered = rememberVerifiedTokens(verifier, { maxAgeMs: 20 });
    await remembered.verify("expired");
    await remembered.verify("expired");
    await remembered.verify("short");
    await Bun.sleep(40);
    await remembered.verify("short");
    expect(calls).toEqual(["expired", "expired", "short", "short"]);
  });

  test("expired verifications are dropped as new tokens arrive, not kept until the cache is full", async () => {
    const tokens = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`t${i}`, identity(60_000)]));
    const { verifier } = countingVerifier(tokens);
    const remembered = rememberVerifiedTokens(verifier, { maxAgeMs: 10, purgeEveryMs: 20 });
    for (const token of ["t0", "t1", "t2"]) await remembered.verify(token);
    expect(remembered.remembered()).toBe(3);
    await Bun.sleep(30);
    // The next new token is remembered and the three expired ones go with the purge it triggers.
    await remembered.verify("t3");
    expect(remembered.remembered()).toBe(1);
  });
});
