import {
  type EventEnvelope,
  type EventOf,
  minorUnitExponent,
  type NotificationKind,
} from "@payments/contracts";
import { isMailLocale, type MailLocale, type MailTemplate } from "@payments/mail";
import type { Notifications } from "./fields.ts";

/** The events that notify someone (docs/adr/0028). */
export const NOTIFYING_EVENTS = [
  "payment.succeeded",
  "payment.failed",
  "refund.succeeded",
  "session.started",
  "user.updated",
  "user.two_factor_changed",
] as const;

/** An event that may notify someone. */
export type NotifyingEvent = EventOf<(typeof NOTIFYING_EVENTS)[number]>;

/** Which switch a kind follows; `security` notices cannot be switched off. */
export type NoticeCategory = keyof Pick<Notifications, "payment_updates" | "refund_updates"> | "security";

/** One notification an event asks for, before the reader's name and the other party's are known. */
export interface PlannedNotice {
  userId: string;
  kind: NotificationKind;
  /** The other user the text names (payer or payee), looked up in the profiles. */
  partyId?: string;
  /** Values the text needs, as strings (amounts stay minor units + currency until rendered). */
  data: Record<string, string>;
  /** A path of the platform the notice opens. */
  link: string;
  /** E-mail it too? (in-app always, within the switches) */
  mail: boolean;
}

const CATEGORY: Record<NotificationKind, NoticeCategory> = {
  payment_received: "payment_updates",
  payment_succeeded: "payment_updates",
  payment_failed: "payment_updates",
  refund_issued: "refund_updates",
  refund_received: "refund_updates",
  new_device_sign_in: "security",
  password_changed: "security",
  two_factor_changed: "security",
  email_changed: "security",
};

/** The switch `kind` follows. */
export function categoryOf(kind: NotificationKind): NoticeCategory {
  return CATEGORY[kind];
}

/** True when the user's switches let `kind` through (security notices always pass). */
export function allowed(kind: NotificationKind, switches: Notifications): boolean {
  const category = CATEGORY[kind];
  return category === "security" || switches[category];
}

const time = (iso: string) => iso.slice(0, 16).replace("T", " ");

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "macOS"],
  [/Linux/, "Linux"],
];

/**
 * A readable name for a user agent ("Firefox on Linux"), as the sessions page shows devices; an agent no
 * rule knows is shown as sent (cut to 80 characters), so the reader still sees something to recognise.
 */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return "an unknown browser";
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (!browser && !os) return userAgent.slice(0, 80);
  return os ? `${browser ?? "a browser"} on ${os}` : (browser ?? userAgent.slice(0, 80));
}

/**
 * What `event` asks to notify, and whom. Payments: the payee learns of money received, the payer of the
 * outcome. Refunds: both sides. Security: a sign-in from a device the account had not used, a password
 * change (mailed by auth itself after a reset, so only in-app then), a change of two-factor sign-in.
 */
export function planNotices(event: EventEnvelope): PlannedNotice[] {
  switch (event.type) {
    case "payment.succeeded": {
      const p = event.data;
      const money = { amount: String(p.amount), currency: p.currency };
      const link = `/payments/${p.id}`;
      return [
        { userId: p.payee_id, kind: "payment_received", partyId: p.payer_id, data: money, link, mail: true },
        { userId: p.payer_id, kind: "payment_succeeded", partyId: p.payee_id, data: money, link, mail: true },
      ];
    }
    case "payment.failed": {
      const p = event.data;
      return [
        {
          userId: p.payer_id,
          kind: "payment_failed",
          partyId: p.payee_id,
          data: { amount: String(p.amount), currency: p.currency, reason: p.failure_message },
          link: `/payments/${p.id}`,
          mail: true,
        },
      ];
    }
    case "refund.succeeded": {
      const r = event.data;
      const money = { amount: String(r.amount), currency: r.currency };
      const link = `/payments/${r.payment_id}`;
      return [
        { userId: r.payee_id, kind: "refund_issued", partyId: r.payer_id, data: money, link, mail: true },
        { userId: r.payer_id, kind: "refund_received", partyId: r.payee_id, data: money, link, mail: true },
      ];
    }
    case "session.started": {
      if (!event.data.new_device) return [];
      return [
        {
          userId: event.data.user_id,
          kind: "new_device_sign_in",
          data: { device: describeDevice(event.data.device), time: time(event.occurred_at) },
          link: "/account/sessions",
          mail: true,
        },
      ];
    }
    case "user.updated": {
      const changed = event.data.changed;
      const out: PlannedNotice[] = [];
      // `password_reset`: auth mailed its own notice with the reset, so the centre only records it.
      if (changed.includes("password") || changed.includes("password_reset")) {
        out.push({
          userId: event.data.id,
          kind: "password_changed",
          data: { time: time(event.occurred_at) },
          link: "/account/sessions",
          mail: changed.includes("password"),
        });
      }
      if (changed.includes("email")) {
        out.push({
          userId: event.data.id,
          kind: "email_changed",
          data: { email: event.data.email, time: time(event.occurred_at) },
          link: "/profile",
          // Auth told the old address when the change was asked for (docs/adr/0028).
          mail: false,
        });
      }
      return out;
    }
    case "user.two_factor_changed":
      return [
        {
          userId: event.data.user_id,
          kind: "two_factor_changed",
          data: { change: event.data.change, time: time(event.occurred_at) },
          link: "/account/security",
          mail: true,
        },
      ];
    default:
      return [];
  }
}

/** The mail language for a BCP 47 preference (`de-AT` → `de`); English when none of ours matches. */
export function mailLocaleOf(locale: string): MailLocale {
  const primary = locale.split("-")[0]?.toLowerCase();
  return isMailLocale(primary) ? primary : "en";
}

/** `amount` minor units of `currency` in `locale` (`1234, usd, en-US` → `$12.34`). */
export function formatAmount(amount: number, currency: string, locale: string): string {
  const major = amount / 10 ** minorUnitExponent(currency);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(
      major,
    );
  } catch {
    return `${major} ${currency.toUpperCase()}`;
  }
}

const CHANGE_WORDS: Record<MailLocale, Record<string, string>> = {
  en: {
    enabled: "turned on",
    disabled: "turned off",
    recovery_codes_regenerated: "new recovery codes",
    recovery_code_used: "a recovery code was used",
  },
  de: {
    enabled: "eingeschaltet",
    disabled: "ausgeschaltet",
    recovery_codes_regenerated: "neue Wiederherstellungscodes",
    recovery_code_used: "ein Wiederherstellungscode wurde verwendet",
  },
};

/** The mail template of each kind (the in-app text is the same words: subject and intro). */
const TEMPLATE: Record<NotificationKind, MailTemplate> = {
  payment_received: "payment_received",
  payment_succeeded: "payment_succeeded",
  payment_failed: "payment_failed",
  refund_issued: "refund_issued",
  refund_received: "refund_received",
  new_device_sign_in: "new_device_sign_in",
  password_changed: "password_changed_notice",
  two_factor_changed: "two_factor_changed",
  email_changed: "email_changed",
};

/** A notice's template and its values, ready for `renderMail`/`renderSummary` in `locale`. */
export function noticeWords(
  kind: NotificationKind,
  data: Record<string, string>,
  ctx: { name: string; party: string; locale: string; link: string },
): { template: MailTemplate; vars: Record<string, string> } {
  const mailLocale = mailLocaleOf(ctx.locale);
  // A party whose profile this service has not heard of yet (events raced) is named generically.
  const party = ctx.party || (mailLocale === "de" ? "Jemand" : "Someone");
  const vars: Record<string, string> = { ...data, name: ctx.name, party, link: ctx.link };
  if (data.amount !== undefined && data.currency !== undefined) {
    vars.amount = formatAmount(Number(data.amount), data.currency, ctx.locale);
  }
  if (data.change !== undefined) vars.change = CHANGE_WORDS[mailLocale][data.change] ?? data.change;
  vars.reason ??= "";
  vars.device ??= "";
  vars.email ??= "";
  vars.time ??= "";
  return { template: TEMPLATE[kind], vars };
}
