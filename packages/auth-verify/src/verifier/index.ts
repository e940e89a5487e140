export { type RememberOptions, rememberVerifiedTokens } from "./remember.ts";
export { type VerifierSettings, verifierFromSettings } from "./settings.ts";
export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  type AuthContext,
  createJwtVerifier,
  invalidToken,
  type JwtVerifier,
  type JwtVerifierOptions,
} from "./verifier.ts";
