import { currencySchema } from "@payments/contracts";
import { z } from "zod";

/** Region codes Intl names that are not countries (unknown, unions, continents). */
const NOT_COUNTRIES = new Set(["ZZ", "EU", "EZ", "UN", "QO"]);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** True for an ISO 3166-1 alpha-2 country code this runtime's ICU knows (`DE`, `US`). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  return regionNames.of(code) !== code;
}

/** A postal address; every field bounded. */
export const addressSchema = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).optional(),
  postal_code: z.string().trim().max(20).optional(),
  country: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase())
    .refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code"),
});

/** A {@link addressSchema} value. */
export type Address = z.infer<typeof addressSchema>;

/**
 * Avatar image URL: https only (a page served over https must not load mixed content, and `javascript:` or
 * `data:` must never reach an `<img>`), a public domain name, no credentials in it.
 */
export const avatarUrlSchema = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain, error: "must be an https URL on a domain name" })
  .max(2048)
  // zod's url check and WHATWG URL disagree on some inputs: anything URL cannot parse is refused here,
  // never thrown (a throw inside a refinement would be a 500).
  .refine((u) => URL.canParse(u), "must be an https URL on a domain name")
  .refine((u) => {
    const url = URL.parse(u);
    return url !== null && url.username === "" && url.password === "";
  }, "must not contain credentials")
  .transform((u) => URL.parse(u)?.href ?? u);

/** Phone number in E.164: `+`, country code, subscriber number; 15 digits at most, no spaces. */
export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +14155550123");

/**
 * A BCP 47 language tag, canonicalised by `Intl.getCanonicalLocales` (`en-us` → `en-US`), and one this
 * runtime can format dates and numbers in, so the shell can use it as is.
 */
export const localeSchema = z
  .string()
  .min(2)
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0) return canonical;
    } catch {
      // RangeError: not a well-formed BCP 47 tag.
    }
    ctx.addIssue({ code: "custom", message: "must be a supported BCP 47 language tag such as en-US" });
    return z.NEVER;
  });

/** Body of `PATCH /me`: what the owner may change; null clears a field. Unknown fields are refused. */
export const profilePatchSchema = z
  .strictObject({
    /** Overrides the account name shown to others; null goes back to the account name. */
    display_name: z.string().trim().min(1).max(100).nullable().optional(),
    avatar_url: avatarUrlSchema.nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    address: addressSchema.nullable().optional(),
    bio: z.string().trim().max(500).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "give at least one field to change");

/** A parsed {@link profilePatchSchema}. */
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** Notification switches. */
export const notificationsSchema = z.strictObject({
  payment_updates: z.boolean(),
  refund_updates: z.boolean(),
  security_alerts: z.boolean(),
  product_news: z.boolean(),
});

/** A {@link notificationsSchema} value. */
export type Notifications = z.infer<typeof notificationsSchema>;

/** Theme choice; `system` follows the operating system. */
export const themeSchema = z.enum(["light", "dark", "system"]);

/** Body of `PATCH /me/preferences`; notifications merge switch by switch. */
export const preferencesPatchSchema = z
  .strictObject({
    theme: themeSchema.optional(),
    locale: localeSchema.optional(),
    default_currency: currencySchema.nullable().optional(),
    notifications: notificationsSchema.partial().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "give at least one preference to change");

/** A parsed {@link preferencesPatchSchema}. */
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

/** Preferences of a user who never changed any. */
export const DEFAULT_PREFERENCES = {
  theme: "system",
  locale: "en-US",
  default_currency: null,
  notifications: { payment_updates: true, refund_updates: true, security_alerts: true, product_news: false },
} as const satisfies {
  theme: z.infer<typeof themeSchema>;
  locale: string;
  default_currency: string | null;
  notifications: Notifications;
};
