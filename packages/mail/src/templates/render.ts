import {
  MAIL_LOCALES,
  type MailLocale,
  type MailTemplate,
  type MailVariables,
  ROLE_WORDS,
  templateText,
} from "./catalog.ts";

/** A mail ready to send: both bodies and the subject. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * The best locale for an `Accept-Language` header (RFC 9110 weights, primary subtag only), or `fallback`
 * when none of ours is asked for.
 */
export function negotiateLocale(
  acceptLanguage: string | null | undefined,
  fallback: MailLocale = "en",
): MailLocale {
  if (!acceptLanguage) return fallback;
  const wanted = acceptLanguage
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: tag.trim().toLowerCase().split("-")[0] ?? "", weight, index };
    })
    .filter((w) => Number.isFinite(w.weight) && w.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { lang } of wanted) {
    const match = MAIL_LOCALES.find((l) => l === lang);
    if (match) return match;
  }
  return fallback;
}

/** True when `value` is one of the locales mails are written in. */
export function isMailLocale(value: unknown): value is MailLocale {
  return typeof value === "string" && (MAIL_LOCALES as readonly string[]).includes(value);
}

/**
 * Renders `template` in `locale` with `vars`: a plain-text body and an HTML body that says the same (every
 * value escaped; the one link is both the button and a visible URL, for clients that block buttons).
 */
export function renderMail<T extends MailTemplate>(
  template: T,
  locale: MailLocale,
  vars: MailVariables[T],
): RenderedMail {
  const words = templateText(template, locale);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) values[key] = String(value);
  if (typeof values.role === "string") values.role = ROLE_WORDS[locale][values.role] ?? values.role;
  const link = values.link ?? "";
  const subject = fill(words.subject, values);
  const text = [
    fill(words.greeting, values),
    "",
    ...words.intro.map((p) => fill(p, values)),
    "",
    `${fill(words.action, values)}:`,
    link,
    "",
    ...words.outro.map((p) => fill(p, values)),
    "",
  ].join("\n");
  const escaped: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) escaped[key] = escapeHtml(value);
  const paragraph = (p: string) => `<p>${fill(escapeHtml(p), escaped)}</p>`;
  const href = escapeHtml(link);
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2937">',
    paragraph(words.greeting),
    ...words.intro.map(paragraph),
    `<p><a href="${href}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #ffffff; border-radius: 6px; text-decoration: none">${fill(escapeHtml(words.action), escaped)}</a></p>`,
    `<p style="font-size: 13px; color: #6b7280">${href}</p>`,
    ...words.outro.map(paragraph),
    "</body></html>",
    "",
  ].join("\n");
  return { subject, text, html };
}

/**
 * The subject and the intro paragraphs of `template` in `locale`, filled with `vars` (plain text, not
 * escaped): the in-app notification centre shows the same words as the mail (docs/adr/0028).
 */
export function renderSummary<T extends MailTemplate>(
  template: T,
  locale: MailLocale,
  vars: MailVariables[T],
): { subject: string; intro: string[] } {
  const words = templateText(template, locale);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) values[key] = String(value);
  return { subject: fill(words.subject, values), intro: words.intro.map((p) => fill(p, values)) };
}

/** An absolute link to a page of the platform: `base` (PUBLIC_BASE_URL) + `path` + query. */
export function mailLink(base: string, path: string, query: Record<string, string> = {}): string {
  // Relative to the base, so a base with a path prefix (https://example.com/pay/) keeps it.
  const url = new URL(path.replace(/^\/+/, ""), base.endsWith("/") ? base : `${base}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}
