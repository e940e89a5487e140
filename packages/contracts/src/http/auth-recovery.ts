import { z } from "zod";
import { roleSchema } from "../events/data/users.ts";
import { passwordField } from "./auth-common.ts";
import { signedInSchema } from "./auth-sessions.ts";
import { userSchema } from "./auth-users.ts";
import { component, operation } from "./operation.ts";

/**
 * The auth service's mail-backed routes (mounted at `/api/auth`, docs/adr/0017): e-mail verification,
 * password reset, admin invitations, and the development mailbox. Every token arrives by mail, works once,
 * and is stored only as its SHA-256; an unknown, used, expired or malformed one is the same 400
 * `invalid_token`.
 */

/** A token from a mailed link (`?token=…`). */
export const mailTokenField = z
  .string()
  .min(1)
  .max(200)
  .describe("The `token` of the link in the mail; single use");

const emailField = z.email().max(254);

const newPasswordField = passwordField.describe(
  "8–128 characters, not a common or guessable one, not the email or the name (otherwise 400 `password_*`)",
);

/** Body of `POST /email/verify`. */
export const verifyEmailBody = z.strictObject({ token: mailTokenField });

/** Body of `POST /password/forgot`. */
export const forgotPasswordBody = z.strictObject({ email: emailField });

/** Body of `POST /password/reset`. */
export const resetPasswordBody = z.strictObject({ token: mailTokenField, password: newPasswordField });

/** Body of `POST /admin/invitations`. */
export const inviteUserBody = z.strictObject({
  email: emailField,
  // Checked before trimming, so the documented bounds are exactly the validator's.
  name: z.string().max(200).regex(/\S/, "must not be blank").trim(),
  role: roleSchema,
  locale: z.enum(["en", "de"]).optional().describe("Language of the invitation mail (default en)"),
});

/** Body of `POST /invitations/accept`. */
export const acceptInvitationBody = z.strictObject({ token: mailTokenField, password: newPasswordField });

/** Query of `GET /dev/mailbox/messages`. */
export const devMailboxQuery = z.strictObject({
  to: emailField.optional().describe("Only mails to this address (case-insensitive)"),
});

/** One mail in the development mailbox. */
export const devMailSchema = component(
  "DevMail",
  z.object({
    id: z.string(),
    message_id: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    links: z.array(z.string()).describe("The links in the text body, in order"),
    created_at: z.string(),
  }),
  "A mail the platform sent, as the development mailbox kept it",
);

/** The development mailbox, newest first. */
export const devMailboxSchema = component("DevMailbox", z.object({ data: z.array(devMailSchema) }));
export type DevMailboxView = z.infer<typeof devMailboxSchema>;

const INVALID_TOKEN = "An unknown, used, expired or malformed token is 400 `invalid_token`.";

export const authVerifyEmail = operation({
  service: "auth",
  id: "auth.verifyEmail",
  method: "post",
  path: "/email/verify",
  summary: "Confirm an e-mail address with the token from the verification mail",
  description:
    `Works without a session (the link may be opened in another browser). ${INVALID_TOKEN} ` +
    "The link of an address change (`POST /email`) confirms here too and moves the account to the new " +
    "address; 409 `email_taken` if another account took it meanwhile (docs/adr/0028).",
  tags: ["account"],
  security: "public",
  body: verifyEmailBody,
  responses: { 200: { description: "The user, now verified", schema: userSchema } },
  errors: [409],
});

export const authResendVerification = operation({
  service: "auth",
  id: "auth.resendVerification",
  method: "post",
  path: "/email/resend",
  summary: "Send the verification mail again",
  description:
    "Limited per account and per address (429 with `Retry-After`); an address already verified is 409 " +
    "`email_already_verified`. Earlier links keep working until they expire.",
  tags: ["account"],
  security: "bearer",
  responses: { 202: { description: "The mail is on its way" } },
  errors: [409, 429],
});

export const authForgotPassword = operation({
  service: "auth",
  id: "auth.forgotPassword",
  method: "post",
  path: "/password/forgot",
  summary: "Mail a password-reset link",
  description:
    "Always 202 with no body, in about the same time, whether or not an account has this address: nobody " +
    "learns which addresses exist. Limited per address and per client address (429). The link works once " +
    "and for 30 minutes; asking again replaces it.",
  tags: ["account"],
  security: "public",
  body: forgotPasswordBody,
  responses: { 202: { description: "If the address has an account, a mail is on its way" } },
  errors: [429],
});

export const authResetPassword = operation({
  service: "auth",
  id: "auth.resetPassword",
  method: "post",
  path: "/password/reset",
  summary: "Set a new password with the token from the reset mail; every session ends",
  description:
    `${INVALID_TOKEN} The password follows the rules of registration (400 \`password_*\`). Every session ` +
    "and refresh-token family of the user ends, and a notice is mailed.",
  tags: ["account"],
  security: "public",
  body: resetPasswordBody,
  responses: { 204: { description: "Password set; sign in with it" } },
  errors: [429],
});

export const authInviteUser = operation({
  service: "auth",
  id: "auth.inviteUser",
  method: "post",
  path: "/admin/invitations",
  summary: "Invite a user of any role: they get a mail with a link to set their password",
  description:
    "The account exists at once (unverified, without a usable password); the `user.invited` event records " +
    "who invited whom. A taken email is 409 `email_taken`. The link works once and for 72 hours; after " +
    "that the invited person can use “forgot password”.",
  tags: ["users"],
  security: "bearer",
  roles: ["admin"],
  body: inviteUserBody,
  responses: { 201: { description: "The invited user", schema: userSchema } },
  errors: [403, 409],
});

export const authAcceptInvitation = operation({
  service: "auth",
  id: "auth.acceptInvitation",
  method: "post",
  path: "/invitations/accept",
  summary: "Set the password of an invited account and sign in",
  description: `${INVALID_TOKEN} The password follows the rules of registration. The e-mail counts as verified.`,
  tags: ["account"],
  security: "public",
  body: acceptInvitationBody,
  responses: {
    200: {
      description: "Signed in",
      schema: signedInSchema,
      headers: { "Set-Cookie": "The refresh cookie (HttpOnly, Secure, SameSite=Strict, Path=/api/auth)" },
    },
  },
});

const DEV_ONLY = "Development only: not served when `NODE_ENV=production` (404).";

export const authDevMailboxPage = operation({
  service: "auth",
  id: "auth.devMailboxPage",
  method: "get",
  path: "/dev/mailbox",
  summary: "The development mailbox as a page: every mail the platform sent, newest first",
  description: `${DEV_ONLY} Mails go here when no \`SMTP_URL\` is set.`,
  tags: ["development"],
  security: "public",
  responses: { 200: { description: "An HTML page", mediaType: "text/html" } },
  errors: [404],
});

export const authDevMailbox = operation({
  service: "auth",
  id: "auth.devMailbox",
  method: "get",
  path: "/dev/mailbox/messages",
  summary: "The development mailbox as JSON, newest first",
  description: DEV_ONLY,
  tags: ["development"],
  security: "public",
  query: devMailboxQuery,
  responses: { 200: { description: "The mails", schema: devMailboxSchema } },
  errors: [404],
});

/** The mail-backed operations. */
export const AUTH_RECOVERY_OPERATIONS = [
  authVerifyEmail,
  authResendVerification,
  authForgotPassword,
  authResetPassword,
  authInviteUser,
  authAcceptInvitation,
  authDevMailboxPage,
  authDevMailbox,
] as const;
