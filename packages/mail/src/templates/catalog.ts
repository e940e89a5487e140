/**
 * The words of every mail, per locale. English is complete and the fallback; another locale may leave a
 * template out and English is used for it. Placeholders are `{name}` style and filled by `render.ts`,
 * which escapes them for HTML.
 */

/** Locales mails are written in; the first is the fallback. */
export const MAIL_LOCALES = ["en", "de"] as const;
/** One of {@link MAIL_LOCALES}. */
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** The mails the platform sends, and the values each one needs. */
export interface MailVariables {
  verify_email: { name: string; link: string; hours: number };
  password_reset: { name: string; link: string; minutes: number };
  password_changed: { name: string; link: string; time: string };
  invitation: { name: string; inviter: string; role: string; link: string; hours: number };
  // Notifications (docs/adr/0028): `amount` is formatted in the reader's locale before it gets here.
  payment_received: { name: string; amount: string; party: string; link: string };
  payment_succeeded: { name: string; amount: string; party: string; link: string };
  payment_failed: { name: string; amount: string; party: string; reason: string; link: string };
  refund_issued: { name: string; amount: string; party: string; link: string };
  refund_received: { name: string; amount: string; party: string; link: string };
  new_device_sign_in: { name: string; device: string; time: string; link: string };
  password_changed_notice: { name: string; time: string; link: string };
  two_factor_changed: { name: string; change: string; time: string; link: string };
  // E-mail change (docs/adr/0028): the link goes to the new address, the notice to the old one.
  email_change_verify: { name: string; email: string; link: string; hours: number };
  email_changed: { name: string; email: string; time: string; link: string };
  // Webhooks (docs/adr/0034): an endpoint that failed for 5 days was disabled.
  webhook_endpoint_disabled: { name: string; url: string; since: string; link: string };
}
/** A template's name. */
export type MailTemplate = keyof MailVariables;

/** One template in one locale: a subject, paragraphs before the button, the button, paragraphs after. */
export interface TemplateText {
  subject: string;
  greeting: string;
  intro: string[];
  action: string;
  outro: string[];
}

type Catalog = { [T in MailTemplate]: TemplateText };

const en: Catalog = {
  verify_email: {
    subject: "Confirm your e-mail address",
    greeting: "Hello {name},",
    intro: [
      "Please confirm that this is your e-mail address. Until you do, you can look around but not pay or be paid.",
    ],
    action: "Confirm my e-mail address",
    outro: [
      "The link works once and expires in {hours} hours.",
      "If you did not create an account, ignore this mail.",
    ],
  },
  password_reset: {
    subject: "Reset your password",
    greeting: "Hello {name},",
    intro: ["Someone (hopefully you) asked to reset the password of your account."],
    action: "Choose a new password",
    outro: [
      "The link works once and expires in {minutes} minutes.",
      "If you did not ask for this, ignore this mail: your password stays as it is.",
    ],
  },
  password_changed: {
    subject: "Your password was changed",
    greeting: "Hello {name},",
    intro: [
      "The password of your account was changed at {time} (UTC) and every device was signed out.",
      "If this was you, there is nothing to do.",
    ],
    action: "I did not do this: reset my password",
    outro: ["If it was not you, reset your password now and tell your administrator."],
  },
  invitation: {
    subject: "You are invited to the payments platform",
    greeting: "Hello {name},",
    intro: ["{inviter} invited you to the payments platform as a {role}."],
    action: "Set my password",
    outro: ["The link works once and expires in {hours} hours."],
  },
  payment_received: {
    subject: "You received {amount}",
    greeting: "Hello {name},",
    intro: ["{party} paid you {amount}."],
    action: "See the payment",
    outro: ["You can switch these mails off in your preferences (payment updates)."],
  },
  payment_succeeded: {
    subject: "Your payment of {amount} went through",
    greeting: "Hello {name},",
    intro: ["Your payment of {amount} to {party} succeeded."],
    action: "See the payment",
    outro: ["You can switch these mails off in your preferences (payment updates)."],
  },
  payment_failed: {
    subject: "Your payment of {amount} failed",
    greeting: "Hello {name},",
    intro: ["Your payment of {amount} to {party} failed: {reason}"],
    action: "See the payment",
    outro: ["You can switch these mails off in your preferences (payment updates)."],
  },
  refund_issued: {
    subject: "You refunded {amount}",
    greeting: "Hello {name},",
    intro: ["A refund of {amount} to {party} was issued."],
    action: "See the payment",
    outro: ["You can switch these mails off in your preferences (refund updates)."],
  },
  refund_received: {
    subject: "You were refunded {amount}",
    greeting: "Hello {name},",
    intro: ["{party} refunded {amount} of your payment."],
    action: "See the payment",
    outro: ["You can switch these mails off in your preferences (refund updates)."],
  },
  new_device_sign_in: {
    subject: "New sign-in to your account",
    greeting: "Hello {name},",
    intro: ["Your account was signed in to from a device it had not seen before, at {time} (UTC): {device}."],
    action: "Review my devices",
    outro: ["If this was not you, sign that device out and change your password now."],
  },
  password_changed_notice: {
    subject: "Your password was changed",
    greeting: "Hello {name},",
    intro: ["The password of your account was changed at {time} (UTC); your other devices were signed out."],
    action: "Review my devices",
    outro: ["If this was not you, reset your password now and tell your administrator."],
  },
  two_factor_changed: {
    subject: "Your two-factor sign-in changed",
    greeting: "Hello {name},",
    intro: ["Two-factor sign-in of your account changed at {time} (UTC): {change}."],
    action: "Review two-factor sign-in",
    outro: ["If this was not you, change your password now and tell your administrator."],
  },
  email_change_verify: {
    subject: "Confirm your new e-mail address",
    greeting: "Hello {name},",
    intro: [
      "You asked to use {email} for your account. Until you confirm it, your account keeps its old address.",
    ],
    action: "Confirm my new address",
    outro: [
      "The link works once and expires in {hours} hours.",
      "If you did not ask for this, ignore this mail.",
    ],
  },
  email_changed: {
    subject: "The e-mail address of your account is changing",
    greeting: "Hello {name},",
    intro: [
      "At {time} (UTC) someone signed in to your account asked to use {email} instead of this address. It takes effect once that address is confirmed.",
    ],
    action: "I did not do this: review my account",
    outro: ["If this was not you, change your password now and tell your administrator."],
  },
  webhook_endpoint_disabled: {
    subject: "A webhook endpoint was disabled",
    greeting: "Hello {name},",
    intro: [
      "Every delivery to your webhook endpoint {url} failed since {since} (UTC), so it was disabled and gets no more events.",
    ],
    action: "Review my endpoints",
    outro: [
      "Fix the receiver, enable the endpoint again, and replay the failed deliveries from the delivery log.",
    ],
  },
};

const de: Partial<Catalog> = {
  verify_email: {
    subject: "Bestätigen Sie Ihre E-Mail-Adresse",
    greeting: "Hallo {name},",
    intro: [
      "Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist. Bis dahin können Sie sich umsehen, aber weder zahlen noch Zahlungen empfangen.",
    ],
    action: "E-Mail-Adresse bestätigen",
    outro: [
      "Der Link gilt einmal und läuft in {hours} Stunden ab.",
      "Wenn Sie kein Konto angelegt haben, ignorieren Sie diese E-Mail.",
    ],
  },
  password_reset: {
    subject: "Passwort zurücksetzen",
    greeting: "Hallo {name},",
    intro: ["Jemand (hoffentlich Sie) möchte das Passwort Ihres Kontos zurücksetzen."],
    action: "Neues Passwort wählen",
    outro: [
      "Der Link gilt einmal und läuft in {minutes} Minuten ab.",
      "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.",
    ],
  },
  password_changed: {
    subject: "Ihr Passwort wurde geändert",
    greeting: "Hallo {name},",
    intro: [
      "Das Passwort Ihres Kontos wurde am {time} (UTC) geändert, und alle Geräte wurden abgemeldet.",
      "Wenn Sie das waren, ist nichts zu tun.",
    ],
    action: "Das war ich nicht: Passwort zurücksetzen",
    outro: [
      "Wenn Sie es nicht waren, setzen Sie Ihr Passwort jetzt zurück und informieren Sie Ihre Administration.",
    ],
  },
  invitation: {
    subject: "Einladung zur Zahlungsplattform",
    greeting: "Hallo {name},",
    intro: ["{inviter} hat Sie als {role} zur Zahlungsplattform eingeladen."],
    action: "Passwort festlegen",
    outro: ["Der Link gilt einmal und läuft in {hours} Stunden ab."],
  },
  payment_received: {
    subject: "Sie haben {amount} erhalten",
    greeting: "Hallo {name},",
    intro: ["{party} hat Ihnen {amount} gezahlt."],
    action: "Zahlung ansehen",
    outro: ["Diese E-Mails können Sie in Ihren Einstellungen abschalten (Zahlungen)."],
  },
  payment_succeeded: {
    subject: "Ihre Zahlung über {amount} ist erfolgt",
    greeting: "Hallo {name},",
    intro: ["Ihre Zahlung über {amount} an {party} war erfolgreich."],
    action: "Zahlung ansehen",
    outro: ["Diese E-Mails können Sie in Ihren Einstellungen abschalten (Zahlungen)."],
  },
  payment_failed: {
    subject: "Ihre Zahlung über {amount} ist fehlgeschlagen",
    greeting: "Hallo {name},",
    intro: ["Ihre Zahlung über {amount} an {party} ist fehlgeschlagen: {reason}"],
    action: "Zahlung ansehen",
    outro: ["Diese E-Mails können Sie in Ihren Einstellungen abschalten (Zahlungen)."],
  },
  refund_issued: {
    subject: "Sie haben {amount} erstattet",
    greeting: "Hallo {name},",
    intro: ["Eine Erstattung über {amount} an {party} wurde veranlasst."],
    action: "Zahlung ansehen",
    outro: ["Diese E-Mails können Sie in Ihren Einstellungen abschalten (Erstattungen)."],
  },
  refund_received: {
    subject: "Ihnen wurden {amount} erstattet",
    greeting: "Hallo {name},",
    intro: ["{party} hat Ihnen {amount} Ihrer Zahlung erstattet."],
    action: "Zahlung ansehen",
    outro: ["Diese E-Mails können Sie in Ihren Einstellungen abschalten (Erstattungen)."],
  },
  new_device_sign_in: {
    subject: "Neue Anmeldung bei Ihrem Konto",
    greeting: "Hallo {name},",
    intro: ["Ihr Konto wurde am {time} (UTC) von einem bisher unbekannten Gerät aus angemeldet: {device}."],
    action: "Meine Geräte prüfen",
    outro: ["Wenn Sie das nicht waren, melden Sie das Gerät ab und ändern Sie jetzt Ihr Passwort."],
  },
  password_changed_notice: {
    subject: "Ihr Passwort wurde geändert",
    greeting: "Hallo {name},",
    intro: [
      "Das Passwort Ihres Kontos wurde am {time} (UTC) geändert; Ihre anderen Geräte wurden abgemeldet.",
    ],
    action: "Meine Geräte prüfen",
    outro: [
      "Wenn Sie es nicht waren, setzen Sie Ihr Passwort jetzt zurück und informieren Sie Ihre Administration.",
    ],
  },
  two_factor_changed: {
    subject: "Ihre Zwei-Faktor-Anmeldung wurde geändert",
    greeting: "Hallo {name},",
    intro: ["Die Zwei-Faktor-Anmeldung Ihres Kontos wurde am {time} (UTC) geändert: {change}."],
    action: "Zwei-Faktor-Anmeldung prüfen",
    outro: [
      "Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort und informieren Sie Ihre Administration.",
    ],
  },
  webhook_endpoint_disabled: {
    subject: "Ein Webhook-Endpunkt wurde deaktiviert",
    greeting: "Hallo {name},",
    intro: [
      "Jede Zustellung an Ihren Webhook-Endpunkt {url} ist seit {since} (UTC) fehlgeschlagen; er wurde deaktiviert und erhält keine Ereignisse mehr.",
    ],
    action: "Meine Endpunkte prüfen",
    outro: [
      "Beheben Sie den Empfänger, aktivieren Sie den Endpunkt wieder und senden Sie die fehlgeschlagenen Zustellungen aus dem Protokoll erneut.",
    ],
  },
};

const CATALOGS: Record<MailLocale, Partial<Catalog>> = { en, de };

/** The text of `template` in `locale`, English when that locale lacks it. */
export function templateText(template: MailTemplate, locale: MailLocale): TemplateText {
  return CATALOGS[locale][template] ?? en[template];
}

/** Role names as a mail says them. */
export const ROLE_WORDS: Record<MailLocale, Record<string, string>> = {
  en: { customer: "customer", vendor: "vendor", admin: "administrator" },
  de: { customer: "Kunde", vendor: "Händler", admin: "Administrator" },
};
