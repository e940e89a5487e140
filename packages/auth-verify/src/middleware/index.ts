export {
  type AuthEnv,
  bearerToken,
  insufficientRole,
  type RequireAuthOptions,
  requireAuth,
} from "./middleware.ts";
