export { createTestIssuer, type TestIssuer, type TestTokenClaims } from "./testing.ts";
