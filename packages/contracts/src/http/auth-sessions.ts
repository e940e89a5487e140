import { z } from "zod";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { oneCursorAtMost, passwordField } from "./auth-common.ts";
import { userSchema } from "./auth-users.ts";
import { component, cursorQuery, operation, pageOf } from "./operation.ts";

/** The auth service's sign-in, session (device) and token routes (mounted at `/api/auth`). */

const emailField = z.email().max(254);

/** Body of `POST /register`: customers and vendors sign up themselves; admins are seeded. */
export const registerBody = z.strictObject({
  email: emailField,
  password: passwordField.describe(
    "8–128 characters, not a common or guessable one, not the email or the name " +
      "(otherwise 400 `password_*`)",
  ),
  // Checked before trimming, so the documented bounds are exactly the validator's.
  name: z.string().max(200).regex(/\S/, "must not be blank").trim(),
  role: z.enum(["customer", "vendor"]),
});

/** Body of `POST /login`. */
export const loginBody = z.strictObject({ email: emailField, password: passwordField });

/** Register, login and refresh: the user, an access token and its lifetime; the refresh token is a cookie. */
export const signedInSchema = component(
  "SignedIn",
  z.object({
    user: userSchema,
    access_token: z.string().min(1).describe("Bearer token (JWT) for every other API"),
    expires_in: z.int().min(1).describe("Seconds until the access token expires"),
  }),
  "A signed-in session; the refresh token travels in the HttpOnly cookie",
);
export type SignedInView = z.infer<typeof signedInSchema>;

/** The 202 answer of a login whose account asks for its second factor (docs/adr/0018). */
export const mfaChallengeSchema = component(
  "MfaChallenge",
  z.object({
    mfa_required: z.literal(true),
    challenge: z.string().describe("Send it to `POST /login/2fa` with a code or a recovery code"),
    expires_in: z.int().describe("Seconds the challenge stays valid"),
  }),
  "The password was right; the account asks for its second factor",
);
export type MfaChallengeView = z.infer<typeof mfaChallengeSchema>;

/** One of my sessions (a device: one refresh-token family). */
export const sessionSchema = component(
  "Session",
  z.object({
    id: idSchema("ses"),
    created_at: timestampSchema,
    last_used_at: timestampSchema,
    expires_at: timestampSchema.describe("When it ends if unused: the earlier of its absolute and idle end"),
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean().describe("The session of this request's token"),
  }),
);
export type SessionView = z.infer<typeof sessionSchema>;

export const sessionListSchema = component("SessionList", pageOf(sessionSchema));
export type SessionListView = z.infer<typeof sessionListSchema>;

/** Answer of `DELETE /sessions?others=true`. */
export const revokedSessionsSchema = component(
  "RevokedSessions",
  z.object({ revoked: z.int().describe("How many sessions ended") }),
);

/** The JSON Web Key Set that verifies access tokens. */
export const jwksSchema = component(
  "JsonWebKeySet",
  z.object({
    keys: z.array(
      z.object({
        kty: z.string().describe("`OKP`"),
        crv: z.string().describe("`Ed25519`"),
        x: z.string(),
        kid: z.string().describe("Matches the `kid` of a token's header"),
        alg: z.string().describe("`EdDSA`"),
        use: z.string().describe("`sig`"),
      }),
    ),
  }),
  "The current signing key and the one it replaced",
);
export type JwksView = z.infer<typeof jwksSchema>;

/** Query of `GET /sessions`. */
export const listSessionsQuery = oneCursorAtMost(z.strictObject(cursorQuery(idSchema("ses"))));

/** Query of `DELETE /sessions`: the explicit `others=true` guards against ending everything by mistake. */
export const revokeOtherSessionsQuery = z.strictObject({ others: z.literal("true") });

/** `{id}` of `/sessions/{id}`: a `ses_…` id (anything else cannot exist: 404). */
export const sessionIdParam = z.object({ id: idSchema("ses") });

const setsCookie = {
  "Set-Cookie":
    "The rotated refresh cookie (HttpOnly, Secure, SameSite=Strict, Path=/api/auth), and `has_session=1` " +
    "(readable by the page, Secure, SameSite=Strict, Path=/) until the session would idle out: a page asks " +
    "for a refresh only while it is present (docs/adr/0021)",
};
const clearsCookie = { "Set-Cookie": "Clears the refresh cookie and `has_session`" };
const ORIGIN_NOTE =
  "A browser's `Origin` must be one of the platform's (otherwise 403 `origin_not_allowed`).";

export const authRegister = operation({
  service: "auth",
  id: "auth.register",
  method: "post",
  path: "/register",
  summary: "Create an account (customer or vendor) and sign in",
  description: `${ORIGIN_NOTE} A taken email is 409 \`email_taken\`; registrations per address are limited (429).`,
  tags: ["sessions"],
  security: "public",
  body: registerBody,
  responses: { 201: { description: "Signed in", schema: signedInSchema, headers: setsCookie } },
  errors: [403, 409],
});

export const authLogin = operation({
  service: "auth",
  id: "auth.login",
  method: "post",
  path: "/login",
  summary: "Sign in with email and password",
  description:
    `${ORIGIN_NOTE} Wrong credentials are 401 \`invalid_credentials\` (repeated failures are throttled: 429); ` +
    "a deactivated account is 403 `account_deactivated`. An account with two-factor sign-in answers 202 " +
    "with a challenge and no cookie: `POST /login/2fa` finishes the sign-in.",
  tags: ["sessions"],
  security: "public",
  body: loginBody,
  responses: {
    200: { description: "Signed in", schema: signedInSchema, headers: setsCookie },
    202: { description: "Password accepted; the second factor is needed", schema: mfaChallengeSchema },
  },
  errors: [401, 403],
});

export const authLogout = operation({
  service: "auth",
  id: "auth.logout",
  method: "post",
  path: "/logout",
  summary: "End this session",
  description:
    "Ends the session of the bearer token, or, when it is missing or expired, the session of the refresh " +
    "cookie (then the `Origin` must be the platform's: 403 `origin_not_allowed`). Without either it only " +
    "clears the cookie, so signing out always succeeds.",
  tags: ["sessions"],
  // Either credential, or none: the framework has one scheme per operation, and "none" is the honest one.
  security: "public",
  responses: { 204: { description: "Signed out", headers: clearsCookie } },
  errors: [403],
});

export const authLogoutAll = operation({
  service: "auth",
  id: "auth.logoutAll",
  method: "post",
  path: "/logout-all",
  summary: "End every session of the user (every device)",
  tags: ["sessions"],
  security: "bearer",
  responses: { 204: { description: "All sessions ended", headers: clearsCookie } },
});

export const authRefresh = operation({
  service: "auth",
  id: "auth.refresh",
  method: "post",
  path: "/refresh",
  summary: "Rotate the refresh cookie and get a new access token",
  description:
    "Needs the refresh cookie and an allowed `Origin` (otherwise 403 `origin_not_allowed`). A rotated token " +
    "presented again revokes its session (401); the loser of two concurrent refreshes within the grace " +
    "window gets 409 `refresh_conflict` and should retry. A 401 also clears the cookie and `has_session`: " +
    "a browser page calls this only while `has_session=1` is present, so a signed-out visit never gets it.",
  tags: ["tokens"],
  security: "refresh_cookie",
  responses: { 200: { description: "New tokens", schema: signedInSchema, headers: setsCookie } },
  errors: [403, 409],
});

export const authJwks = operation({
  service: "auth",
  id: "auth.getJwks",
  method: "get",
  path: "/.well-known/jwks.json",
  summary: "Public keys that verify access tokens (current and previous)",
  tags: ["tokens"],
  security: "public",
  responses: {
    200: {
      description: "JSON Web Key Set",
      schema: jwksSchema,
      headers: { "Cache-Control": "`public, max-age=300`: verifiers also refetch on an unknown `kid`" },
    },
  },
});

export const authListSessions = operation({
  service: "auth",
  id: "auth.listSessions",
  method: "get",
  path: "/sessions",
  summary: "List my live sessions (devices), newest first",
  tags: ["sessions"],
  security: "bearer",
  query: listSessionsQuery,
  responses: { 200: { description: "A page of sessions", schema: sessionListSchema } },
});

export const authRevokeOtherSessions = operation({
  service: "auth",
  id: "auth.revokeOtherSessions",
  method: "delete",
  path: "/sessions",
  summary: "End all my other sessions (`?others=true`)",
  tags: ["sessions"],
  security: "bearer",
  query: revokeOtherSessionsQuery,
  responses: { 200: { description: "How many ended", schema: revokedSessionsSchema } },
});

export const authRevokeSession = operation({
  service: "auth",
  id: "auth.revokeSession",
  method: "delete",
  path: "/sessions/{id}",
  summary: "End one of my sessions",
  description: "Another user's session, or one already ended, is 404 `session_not_found`.",
  tags: ["sessions"],
  security: "bearer",
  params: sessionIdParam,
  responses: {
    204: {
      description: "Ended (the refresh cookie is cleared when it was this session)",
      headers: clearsCookie,
    },
  },
  errors: [404],
});

/** The sign-in, session and token operations. */
export const AUTH_SESSION_OPERATIONS = [
  authRegister,
  authLogin,
  authRefresh,
  authLogout,
  authLogoutAll,
  authListSessions,
  authRevokeOtherSessions,
  authRevokeSession,
  authJwks,
] as const;
