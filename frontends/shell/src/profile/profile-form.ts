import type { BodyOf, Profile, Schema } from "@payments/api-client";

type Address = Schema<"Address">;
type ProfilePatch = BodyOf<"profile.updateMe">;

// The profile form's text fields, and the rules the profile service applies to them
// (services/profile/src/domain/fields.ts), checked here first so a person reads the problem next to the
// field instead of after a round trip. The server stays the judge: its `param` lands on the same names.

/** Form field names; the address ones match the server's `param` for them. */
export const FIELDS = [
  "display_name",
  "phone",
  "avatar_url",
  "bio",
  "address.line1",
  "address.line2",
  "address.city",
  "address.region",
  "address.postal_code",
  "address.country",
] as const;

/** One of {@link FIELDS}. */
export type FieldName = (typeof FIELDS)[number];

/** What the inputs hold: text everywhere, "" for nothing. */
export type ProfileFields = Record<FieldName, string>;

const ADDRESS_PARTS = ["line1", "line2", "city", "region", "postal_code", "country"] as const;

const MAX_LENGTH: Partial<Record<FieldName, number>> = {
  display_name: 100,
  bio: 500,
  avatar_url: 2048,
  "address.line1": 200,
  "address.line2": 200,
  "address.city": 100,
  "address.region": 100,
  "address.postal_code": 20,
};

/** The inputs' text for a stored profile. */
export function fieldsOf(profile: Profile): ProfileFields {
  const address = profile.address;
  return {
    display_name: profile.display_name ?? "",
    phone: profile.phone ?? "",
    avatar_url: profile.avatar_url ?? "",
    bio: profile.bio ?? "",
    "address.line1": address?.line1 ?? "",
    "address.line2": address?.line2 ?? "",
    "address.city": address?.city ?? "",
    "address.region": address?.region ?? "",
    "address.postal_code": address?.postal_code ?? "",
    "address.country": address?.country ?? "",
  };
}

/** People type spaces, dashes and brackets in phone numbers; E.164 has none of them. */
export function normalisePhone(text: string): string {
  return text.replace(/[\s\-().]/g, "");
}

function addressOf(fields: ProfileFields): Address | null {
  const parts = Object.fromEntries(ADDRESS_PARTS.map((p) => [p, fields[`address.${p}`].trim()]));
  if (Object.values(parts).every((v) => v === "")) return null;
  const optional = (key: "line2" | "region" | "postal_code") => (parts[key] ? { [key]: parts[key] } : {});
  return {
    line1: parts.line1 ?? "",
    city: parts.city ?? "",
    country: (parts.country ?? "").toUpperCase(),
    ...optional("line2"),
    ...optional("region"),
    ...optional("postal_code"),
  };
}

/** Problems with the fields, by field name (empty when the form may be sent). */
export function validateProfile(fields: ProfileFields): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  for (const name of FIELDS) {
    const max = MAX_LENGTH[name];
    if (max !== undefined && fields[name].trim().length > max)
      errors[name] = `Use at most ${max} characters.`;
  }
  const phone = normalisePhone(fields.phone);
  if (phone && !/^\+[1-9]\d{6,14}$/.test(phone)) {
    errors.phone = "Enter the number in international format, like +14155550123.";
  }
  const avatar = fields.avatar_url.trim();
  if (avatar && !errors.avatar_url) {
    let url: URL | undefined;
    try {
      url = new URL(avatar);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:" || !url.hostname.includes(".")) {
      errors.avatar_url = "Enter an https address, like https://example.com/me.png.";
    }
  }
  if (addressOf(fields)) {
    if (!fields["address.line1"].trim()) errors["address.line1"] = "Enter the street address.";
    if (!fields["address.city"].trim()) errors["address.city"] = "Enter the city.";
    if (!fields["address.country"].trim()) errors["address.country"] = "Choose the country.";
  }
  return errors;
}

function sameAddress(a: Address | null, b: Address | null): boolean {
  const norm = (x: Address | null) => (x ? ADDRESS_PARTS.map((p) => x[p] ?? "").join("\u0000") : "");
  return norm(a) === norm(b);
}

/** Only what changed, in the server's shape: an emptied field is sent as null (the server clears it). */
export function profilePatch(before: Profile, fields: ProfileFields): ProfilePatch {
  const patch: ProfilePatch = {};
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  const display_name = text(fields.display_name);
  if (display_name !== before.display_name) patch.display_name = display_name;
  const phone = text(normalisePhone(fields.phone));
  if (phone !== before.phone) patch.phone = phone;
  const avatar_url = text(fields.avatar_url);
  if (avatar_url !== before.avatar_url) patch.avatar_url = avatar_url;
  const bio = text(fields.bio);
  if (bio !== before.bio) patch.bio = bio;
  const address = addressOf(fields);
  if (!sameAddress(address, before.address)) patch.address = address;
  return patch;
}

/** Every ISO 3166-1 alpha-2 code this browser names as a country, by name in `locale`. */
export function countries(locale: string): Array<{ code: string; name: string }> {
  const names = new Intl.DisplayNames([locale], { type: "region", fallback: "none" });
  // Codes Intl names that are not countries (unknown, unions, continents), as the server excludes them.
  const notCountries = new Set(["ZZ", "EU", "EZ", "UN", "QO"]);
  const list: Array<{ code: string; name: string }> = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = notCountries.has(code) ? undefined : names.of(code);
      if (name && name !== code) list.push({ code, name });
    }
  }
  return list.sort((x, y) => x.name.localeCompare(y.name, locale));
}
