import { z } from "zod";
import { roleSchema, userSnapshotSchema } from "../events/data/users.ts";
import { idSchema } from "../ids/ids.ts";
import { oneCursorAtMost, passwordField } from "./auth-common.ts";
import { component, cursorQuery, operation, pageOf } from "./operation.ts";

/** The auth service's account and user-management routes (mounted at `/api/auth`). */

/**
 * The user as the API shows it: the fields of the `user.*` events' snapshot (a copy of its shape, so the
 * HTTP component does not rename the event schema).
 */
export const userSchema = component(
  "User",
  z.object({
    ...userSnapshotSchema.shape,
    email_verified: z
      .boolean()
      .describe("Whether the e-mail address is confirmed; until it is, the user cannot pay or be paid"),
  }),
  "A user account (never credentials)",
);
export type UserView = z.infer<typeof userSchema>;

/** A page of users. */
export const userListSchema = component("UserList", pageOf(userSchema));
export type UserListView = z.infer<typeof userListSchema>;

/** Body of `POST /password`. */
export const changePasswordBody = z.strictObject({
  current_password: passwordField,
  new_password: passwordField.describe(
    "8–128 characters, not a common or guessable one, different from the current one " +
      "(otherwise 400 `password_*` / `password_unchanged`)",
  ),
});

/** Body of `POST /email`: the address to move to, and the current password. */
export const changeEmailBody = z.strictObject({
  new_email: z.email().max(254).describe("Normalised like at register (trimmed, lower-cased)"),
  current_password: passwordField,
});

/** Answer of `POST /email`: the address a confirmation link went to. */
export const emailChangeSchema = component(
  "EmailChangeRequested",
  z.object({ pending_email: z.string().describe("Where the confirmation link went") }),
);

/** Query of `GET /admin/users`. */
export const listUsersQuery = oneCursorAtMost(
  z.strictObject({
    ...cursorQuery(idSchema("usr")),
    // Checked before trimming, so the documented bounds are exactly the validator's.
    query: z
      .string()
      .max(100)
      .regex(/\S/, "must not be blank")
      .trim()
      .optional()
      .describe("Substring of the email or the name (case-insensitive)"),
    role: roleSchema.optional(),
    active: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  }),
);

/** `{id}` of `/admin/users/{id}`: a `usr_…` id (anything else cannot exist: 404). */
export const userIdParam = z.object({ id: idSchema("usr") });

/** Body of `PATCH /admin/users/{id}`: at least one field (`{}` is refused, hence `minProperties`). */
export const updateUserBody = z
  .strictObject({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, { message: "Give role and/or active." })
  .meta({ minProperties: 1 });

export const authGetMe = operation({
  service: "auth",
  id: "auth.getMe",
  method: "get",
  path: "/me",
  summary: "The signed-in user",
  tags: ["account"],
  security: "bearer",
  responses: { 200: { description: "The user", schema: userSchema } },
});

export const authChangePassword = operation({
  service: "auth",
  id: "auth.changePassword",
  method: "post",
  path: "/password",
  summary: "Change my password; every other session ends",
  description:
    "A wrong `current_password` is 400 `invalid_current_password` and counts as a failed sign-in " +
    "(throttled: 429 with `Retry-After`).",
  tags: ["account"],
  security: "bearer",
  body: changePasswordBody,
  responses: { 204: { description: "Changed" } },
});

export const authChangeEmail = operation({
  service: "auth",
  id: "auth.changeEmail",
  method: "post",
  path: "/email",
  summary: "Move my account to another e-mail address, once the link mailed there is opened",
  description:
    "Needs the current password (400 `invalid_current_password`, throttled like a sign-in: 429). The new " +
    "address gets a link (24 h, single use) that `POST /email/verify` accepts; the current address is told. " +
    "Until the link is opened nothing changes. 409 `email_taken` when another account has the address; " +
    "400 `email_unchanged` for the current one (docs/adr/0028).",
  tags: ["account"],
  security: "bearer",
  body: changeEmailBody,
  responses: { 202: { description: "Link mailed to the new address", schema: emailChangeSchema } },
  errors: [409, 429],
});

export const authListUsers = operation({
  service: "auth",
  id: "auth.listUsers",
  method: "get",
  path: "/admin/users",
  summary: "List and search users, newest first",
  tags: ["users"],
  security: "bearer",
  roles: ["admin"],
  query: listUsersQuery,
  responses: { 200: { description: "A page of users", schema: userListSchema } },
  errors: [403],
});

export const authUpdateUser = operation({
  service: "auth",
  id: "auth.updateUser",
  method: "patch",
  path: "/admin/users/{id}",
  summary: "Change a user's role and/or active flag; their sessions end",
  description:
    "An admin cannot change their own role or deactivate themselves (409 `cannot_change_own_account`).",
  tags: ["users"],
  security: "bearer",
  roles: ["admin"],
  params: userIdParam,
  body: updateUserBody,
  responses: { 200: { description: "The user after the change", schema: userSchema } },
  errors: [403, 404, 409],
});

/** The account and user-management operations. */
export const AUTH_USER_OPERATIONS = [
  authGetMe,
  authChangePassword,
  authChangeEmail,
  authListUsers,
  authUpdateUser,
] as const;
