import { describe, expect, test } from "bun:test";
import { MAIL_LOCALES, type MailTemplate } from "./catalog.ts";
import { escapeHtml, mailLink, negotiateLocale, renderMail } from "./render.ts";

const VARS = {
  verify_email: { name: "Ada", link: "https://pay.example/account/verify?token=abc", hours: 24 },
  password_reset: { name: "Ada", link: "https://pay.example/account/reset?token=abc", minutes: 30 },
  password_changed: { name: "Ada", link: "https://pay.example/account/forgot", time: "2026-01-02 03:04" },
  invitation: {
    name: "Ada",
    inviter: "Grace",
    role: "vendor",
    link: "https://pay.example/account/invitation?token=abc",
    hours: 72,
  },
  payment_received: {
    name: "Ada",
    amount: "$12.34",
    party: "Grace",
    link: "https://pay.example/payments/pay_1",
  },
  payment_succeeded: {
    name: "Ada",
    amount: "$12.34",
    party: "Grace",
    link: "https://pay.example/payments/pay_1",
  },
  payment_failed: {
    name: "Ada",
    amount: "$12.34",
    party: "Grace",
    reason: "The card was declined.",
    link: "https://pay.example/payments/pay_1",
  },
  refund_issued: { name: "Ada", amount: "$1.00", party: "Grace", link: "https://pay.example/payments/pay_1" },
  refund_received: {
    name: "Ada",
    amount: "$1.00",
    party: "Grace",
    link: "https://pay.example/payments/pay_1",
  },
  new_device_sign_in: {
    name: "Ada",
    device: "Firefox on Linux",
    time: "2026-01-02 03:04",
    link: "https://pay.example/account/sessions",
  },
  password_changed_notice: {
    name: "Ada",
    time: "2026-01-02 03:04",
    link: "https://pay.example/account/sessions",
  },
  two_factor_changed: {
    name: "Ada",
    change: "enabled",
    time: "2026-01-02 03:04",
    link: "https://pay.example/account/security",
  },
  email_change_verify: {
    name: "Ada",
    email: "ada@new.example",
    link: "https://pay.example/account/verify?token=abc",
    hours: 24,
  },
  email_changed: {
    name: "Ada",
    email: "ada@new.example",
    time: "2026-01-02 03:04",
    link: "https://pay.example/account/sessions",
  },
  webhook_endpoint_disabled: {
    name: "Ada",
    url: "https://shop.example/hooks",
    since: "2026-01-02 03:04",
    link: "https://pay.example/developers",
  },
} as const;

describe("mail templates", () => {
  for (const locale of MAIL_LOCALES) {
    for (const template of Object.keys(VARS) as MailTemplate[]) {
      test(`${template} in ${locale}: subject, text and HTML carry the link and every value`, () => {
        const vars = VARS[template];
        const mail = renderMail(template, locale, vars as never);
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.text).toContain(vars.link);
        expect(mail.html).toContain(`href="${escapeHtml(vars.link)}"`);
        expect(mail.text).toContain("Ada");
        // No placeholder left unfilled in either body.
        expect(`${mail.text}${mail.html}`).not.toMatch(/\{\w+\}/);
        expect(mail.html).toContain(`<html lang="${locale}">`);
      });
    }
  }

  test("German mails are German, English ones English", () => {
    expect(renderMail("password_reset", "de", VARS.password_reset).subject).toBe("Passwort zurücksetzen");
    expect(renderMail("password_reset", "en", VARS.password_reset).subject).toBe("Reset your password");
    expect(renderMail("invitation", "de", VARS.invitation).text).toContain("als Händler");
  });

  test("values are escaped in HTML, left as they are in text", () => {
    const mail = renderMail("verify_email", "en", {
      name: '<script>alert("x")</script>',
      link: "https://pay.example/account/verify?token=a&b=1",
      hours: 24,
    });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.html).toContain("token=a&amp;b=1");
    expect(mail.text).toContain('<script>alert("x")</script>');
  });

  test("the locale follows Accept-Language weights and falls back to English", () => {
    expect(negotiateLocale("de-CH,de;q=0.9,en;q=0.8")).toBe("de");
    expect(negotiateLocale("fr-FR,fr;q=0.9,de;q=0.5,en;q=0.8")).toBe("en");
    expect(negotiateLocale("fr-FR,fr;q=0.9,de;q=0.5")).toBe("de");
    expect(negotiateLocale("fr")).toBe("en");
    expect(negotiateLocale("de;q=0")).toBe("en");
    expect(negotiateLocale(undefined)).toBe("en");
    expect(negotiateLocale("garbage;;;q=x")).toBe("en");
  });

  test("links keep a base path and encode the query", () => {
    expect(mailLink("https://pay.example", "/account/verify", { token: "a b" })).toBe(
      "https://pay.example/account/verify?token=a+b",
    );
    expect(mailLink("https://pay.example/app/", "/account/reset", { token: "x" })).toBe(
      "https://pay.example/app/account/reset?token=x",
    );
  });
});
