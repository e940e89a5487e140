import { z } from "zod";
import { COUNTRY_CODES, caselessAlternation, LANGUAGE_CODES } from "./profile-codes.ts";

/**
 * The fields a profile owner may set. Each validator is its documented JSON Schema and no more: every check
 * is a length or a pattern (no refinement the document cannot show), and values are normalised only after
 * they passed, so a client generated from the document sends exactly what the service accepts.
 */

/** Any text with something besides whitespace: the check `.trim().min(1)` makes, in a form JSON Schema has. */
const NOT_BLANK = /\S/;

/**
 * Text of at most `max` characters as sent, then trimmed (checks run in order, so the bound is the one JSON
 * Schema's maxLength states); blank text is refused when `required`.
 */
function text(max: number, required = false) {
  const bounded = z.string().max(max);
  return (required ? bounded.regex(NOT_BLANK, "must not be blank") : bounded).trim();
}

/** The hostname zod's `z.regexes.domain` accepts (labels of letters, digits, inner hyphens; a letter TLD). */
const DOMAIN = String.raw`(?=[^/?#:]{1,253}(?:[/?#:]|$))(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}`;
/** An optional port, 0–65535 (leading zeros allowed, as URL parsing allows them). */
const PORT = "(?::0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?";

/**
 * Avatar image URL: https only (a page served over https must not load mixed content, and `javascript:` or
 * `data:` must never reach an `<img>`), on a public domain name (no IP, no `localhost`), no credentials
 * (the host is followed by a port, a path, a query or nothing, so `user:pass@` cannot match), no control
 * characters. Stored normalised (`HTTPS://CDN.Example.com/a b.png` → `https://cdn.example.com/a%20b.png`).
 */
export const AVATAR_URL_PATTERN = new RegExp(
  String.raw`^[Hh][Tt][Tt][Pp][Ss]://${DOMAIN}${PORT}(?:[/?#][^\x00-\x1f\x7f]*)?$`,
);

export const avatarUrlSchema = z
  .string()
  .max(2048)
  .regex(AVATAR_URL_PATTERN, "must be an https URL on a domain name, without credentials")
  // The pattern admits nothing URL parsing refuses but an invalid punycode label (`xn--…`): a 400, never a throw.
  .refine((u) => URL.canParse(u), "must be an https URL on a domain name")
  .transform((u) => URL.parse(u)?.href ?? u);

/** Phone number in E.164: `+`, country code, subscriber number; 15 digits at most, no spaces. */
export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +14155550123");

/**
 * A locale `language[-Script][-REGION]` in any letter case, its language one the platform formats dates and
 * numbers in ({@link LANGUAGE_CODES}); stored canonical (`en-gb` → `en-GB`, `zh-hant-tw` → `zh-Hant-TW`).
 * Variants, extensions and private-use subtags are not taken: the shell formats with the tag as it is.
 */
export const LOCALE_PATTERN = new RegExp(
  `^${caselessAlternation(LANGUAGE_CODES)}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?$`,
);

export const localeSchema = z
  .string()
  .regex(LOCALE_PATTERN, "must be a supported language tag such as en-US")
  // A tag matching the pattern is well-formed, so canonicalisation cannot throw.
  .transform((tag) => Intl.getCanonicalLocales(tag)[0] ?? tag);

/** An ISO 3166-1 alpha-2 country code ({@link COUNTRY_CODES}), any case, surrounding spaces ignored; stored upper-case. */
export const COUNTRY_PATTERN = new RegExp(String.raw`^\s*${caselessAlternation(COUNTRY_CODES)}\s*$`);

export const countrySchema = z
  .string()
  .regex(COUNTRY_PATTERN, "must be an ISO 3166-1 alpha-2 country code")
  .transform((c) => c.trim().toUpperCase());

/** A postal address as the owner sends it; every field bounded, unknown fields refused. */
export const addressInput = z.strictObject({
  line1: text(200, true),
  line2: text(200).optional(),
  city: text(100, true),
  region: text(100).optional(),
  postal_code: text(20).optional(),
  country: countrySchema.describe("ISO 3166-1 alpha-2 country code, any case; stored upper-case"),
});

/** Notification switches. */
export const notificationsSchema = z.strictObject({
  payment_updates: z.boolean(),
  refund_updates: z.boolean(),
  security_alerts: z.boolean(),
  product_news: z.boolean(),
});

/** Theme choice; `system` follows the operating system. */
export const themeSchema = z.enum(["light", "dark", "system"]);

/** Marks a PATCH body that must change something: the refinement for the service, the keyword for the document. */
export function nonEmptyPatch<T extends z.ZodObject>(body: T, message: string) {
  return body.refine((b) => Object.keys(b).length > 0, message).meta({ minProperties: 1 });
}

/** Body of `PATCH /me`: what the owner may change; null clears a field. Unknown fields are refused. */
export const profilePatchBody = nonEmptyPatch(
  z.strictObject({
    display_name: text(100, true)
      .nullable()
      .optional()
      .describe("Overrides the account name shown to others; null goes back to the account name"),
    avatar_url: avatarUrlSchema
      .nullable()
      .optional()
      .describe("https URL on a public domain name, no credentials; stored normalised"),
    phone: phoneSchema.nullable().optional(),
    address: addressInput.nullable().optional(),
    bio: text(500).nullable().optional().describe("Empty or null clears it"),
  }),
  "give at least one field to change",
);

/** A parsed {@link profilePatchBody}. */
export type ProfilePatch = z.infer<typeof profilePatchBody>;
