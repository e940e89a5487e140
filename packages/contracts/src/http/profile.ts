import { z } from "zod";
import { idSchema } from "../ids/ids.ts";
import { currencySchema } from "../money/money.ts";
import { timestampSchema } from "../time/time.ts";
import { component, operation } from "./operation.ts";
import {
  localeSchema,
  nonEmptyPatch,
  notificationsSchema,
  profilePatchBody,
  themeSchema,
} from "./profile-fields.ts";

// What services and tests use of the field validators (the helpers stay internal: no clash in `index.ts`).
export { COUNTRY_CODES, LANGUAGE_CODES } from "./profile-codes.ts";
export {
  AVATAR_URL_PATTERN,
  avatarUrlSchema,
  COUNTRY_PATTERN,
  countrySchema,
  LOCALE_PATTERN,
  localeSchema,
  notificationsSchema,
  type ProfilePatch,
  phoneSchema,
  profilePatchBody,
  themeSchema,
} from "./profile-fields.ts";

/** The profile service's routes (mounted at `/api/profile`): the caller's own profile and preferences. */

/**
 * No query parameters at all: the routes only ever act on the caller (the token's subject), so an attempt
 * to name another user (`?user_id=…`) is refused rather than silently ignored.
 */
export const ownOnlyQuery = z.strictObject({});

/** Body of `PATCH /me/preferences`; notifications merge switch by switch. */
export const preferencesPatchBody = nonEmptyPatch(
  z.strictObject({
    theme: themeSchema.optional(),
    locale: localeSchema
      .optional()
      .describe("`language[-Script][-REGION]` in any case, e.g. en-US; stored canonical (en-gb → en-GB)"),
    default_currency: currencySchema
      .nullable()
      .optional()
      .describe("Preselected when paying; null: none. A known ISO-4217 code, lowercase"),
    notifications: notificationsSchema.partial().optional().describe("Only the switches to change"),
  }),
  "give at least one preference to change",
);

/** A parsed {@link preferencesPatchBody}. */
export type PreferencesPatch = z.infer<typeof preferencesPatchBody>;

/** A postal address in responses (as stored: trimmed, country upper-case). */
export const profileAddressSchema = component(
  "Address",
  z.object({
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postal_code: z.string().optional(),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
);

/** A {@link profileAddressSchema} value. */
export type Address = z.infer<typeof profileAddressSchema>;

/** A {@link notificationsSchema} value. */
export type Notifications = z.infer<typeof notificationsSchema>;

/** The profile as its owner sees it. */
export const profileSchema = component(
  "Profile",
  z.object({
    user_id: idSchema("usr"),
    display_name: z
      .string()
      .nullable()
      .describe("The owner's display name, else the account name; null until either is known"),
    avatar_url: z.string().nullable(),
    phone: z.string().nullable(),
    address: profileAddressSchema.nullable(),
    bio: z.string().nullable(),
    registered: z
      .boolean()
      .describe("False until the profile service has seen the user's registration (the row may predate it)"),
    created_at: timestampSchema
      .nullable()
      .describe("Null while nothing is stored yet (the defaults are shown)"),
    updated_at: timestampSchema.nullable(),
  }),
);
export type ProfileView = z.infer<typeof profileSchema>;

/** Preferences as the shell reads them at login. */
export const preferencesSchema = component(
  "Preferences",
  z.object({
    theme: themeSchema,
    locale: z.string().describe("Canonical BCP 47 tag, e.g. en-US"),
    default_currency: z.string().nullable(),
    notifications: component("Notifications", notificationsSchema),
    updated_at: timestampSchema.nullable().describe("Null while the defaults apply"),
  }),
);
export type PreferencesView = z.infer<typeof preferencesSchema>;

const gone = "The profile was removed after the account's deactivation (404 `profile_not_found`).";

export const profileGetMe = operation({
  service: "profile",
  id: "profile.getMe",
  method: "get",
  path: "/me",
  summary: "My profile (the defaults while nothing is stored)",
  description: gone,
  tags: ["profile"],
  security: "bearer",
  query: ownOnlyQuery,
  responses: { 200: { description: "Profile", schema: profileSchema } },
  errors: [404],
});

export const profileUpdateMe = operation({
  service: "profile",
  id: "profile.updateMe",
  method: "patch",
  path: "/me",
  summary: "Change my profile (null clears a field); announced by profile.updated",
  description: `At least one field. ${gone}`,
  tags: ["profile"],
  security: "bearer",
  query: ownOnlyQuery,
  body: profilePatchBody,
  responses: { 200: { description: "Profile after the change", schema: profileSchema } },
  errors: [404],
});

export const profileGetPreferences = operation({
  service: "profile",
  id: "profile.getPreferences",
  method: "get",
  path: "/me/preferences",
  summary: "My preferences (read by the shell at login; the defaults when never changed)",
  description: gone,
  tags: ["preferences"],
  security: "bearer",
  query: ownOnlyQuery,
  responses: { 200: { description: "Preferences", schema: preferencesSchema } },
  errors: [404],
});

export const profileUpdatePreferences = operation({
  service: "profile",
  id: "profile.updatePreferences",
  method: "patch",
  path: "/me/preferences",
  summary: "Change my preferences (notifications merge switch by switch)",
  description: `At least one preference. ${gone}`,
  tags: ["preferences"],
  security: "bearer",
  query: ownOnlyQuery,
  body: preferencesPatchBody,
  responses: { 200: { description: "Preferences after the change", schema: preferencesSchema } },
  errors: [404],
});

/** Every profile operation. */
export const PROFILE_OPERATIONS = [
  profileGetMe,
  profileUpdateMe,
  profileGetPreferences,
  profileUpdatePreferences,
] as const;
