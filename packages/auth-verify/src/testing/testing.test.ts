import { expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import { createJwtVerifier } from "../verifier/verifier.ts";
import { createTestIssuer } from "./testing.ts";

test("tokens of the test issuer pass the real verifier; expired ones do not", async () => {
  const issuer = await createTestIssuer();
  const verifier = createJwtVerifier(issuer);
  const userId = newId("usr");
  expect(await verifier.verify(await issuer.sign({ userId, role: "vendor" }))).toMatchObject({
    userId,
    role: "vendor",
  });
  await expect(verifier.verify(await issuer.sign({ role: "admin", ttlSeconds: -60 }))).rejects.toMatchObject({
    status: 401,
  });
});
