import { isSupportedCurrency, type SystemSettings } from "@payments/api-client";

// Rules of the system configuration form, as the admin service applies them on save (the contract's
// `systemConfigSchema`), checked here first so an admin reads the problem next to the field.

/** The settings the form edits: the contract's type, sent back whole (nothing the form shows is dropped). */
export type Settings = SystemSettings;

/** The maintenance banner as the form shows it. */
export interface Banner {
  enabled: boolean;
  message: string;
  level: "info" | "warning" | "critical";
}

/**
 * The banner of `settings`. The generated type is a union (the contract's cross-field rule shows through
 * in the document); the service always stores and sends the whole object, which this reads.
 */
export function bannerOf(settings: Settings): Banner {
  const b = settings.maintenance_banner;
  return {
    enabled: "enabled" in b && b.enabled === true,
    message: "message" in b && typeof b.message === "string" ? b.message : "",
    level: "level" in b && (b.level === "warning" || b.level === "critical") ? b.level : "info",
  };
}

/** Why `code` cannot be added to `list`, or undefined when it can. */
export function currencyProblem(code: string, list: readonly string[]): string | undefined {
  if (!/^[a-z]{3}$/.test(code)) return "Enter a three-letter ISO 4217 code, like nok.";
  if (!isSupportedCurrency(code)) return `${code.toUpperCase()} is not an ISO 4217 currency people pay with.`;
  if (list.includes(code)) return `${code.toUpperCase()} is already accepted.`;
  return undefined;
}

/** Problems that would make the admin service refuse the settings, by field name. */
export function settingsProblems(s: Settings): Record<string, string> {
  const problems: Record<string, string> = {};
  if (s.supported_currencies.length === 0) problems.currencies = "Accept at least one currency.";
  const { min_amount, max_amount } = s.payment_limits.default;
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1_000_000_000_000;
  if (!whole(min_amount)) problems.min_amount = "Enter a whole number from 1 to 1000000000000.";
  if (!whole(max_amount)) problems.max_amount = "Enter a whole number from 1 to 1000000000000.";
  if (whole(min_amount) && whole(max_amount) && min_amount > max_amount) {
    problems.min_amount = "The smallest amount must not exceed the largest.";
  }
  if (!Number.isInteger(s.fees.percent_bps) || s.fees.percent_bps < 0 || s.fees.percent_bps > 10_000) {
    problems.percent_bps = "Enter a whole number of basis points from 0 to 10000.";
  }
  for (const [currency, fixed] of Object.entries(s.fees.fixed)) {
    if (!Number.isInteger(fixed) || fixed < 0 || fixed > 1_000_000_000_000) {
      problems[`fixed_${currency}`] = "Enter a whole number of minor units, 0 or more.";
    }
  }
  const banner = bannerOf(s);
  if (banner.enabled && banner.message.trim() === "") problems.message = "An enabled banner needs a message.";
  if (banner.message.length > 500) problems.message = "Use at most 500 characters.";
  return problems;
}

const upper = (codes: string[]) => codes.map((c) => c.toUpperCase()).join(", ");

/** What saving would change, in words (shown before the save, so nobody saves a surprise). */
export function describeChanges(before: Settings, after: Settings): string[] {
  const lines: string[] = [];
  const added = after.supported_currencies.filter((c) => !before.supported_currencies.includes(c));
  const removed = before.supported_currencies.filter((c) => !after.supported_currencies.includes(c));
  if (added.length > 0) lines.push(`Accept ${upper(added)}`);
  if (removed.length > 0) lines.push(`Stop accepting ${upper(removed)}`);
  const a = before.payment_limits.default;
  const b = after.payment_limits.default;
  if (a.min_amount !== b.min_amount || a.max_amount !== b.max_amount) {
    lines.push(`Default limits ${a.min_amount}–${a.max_amount} → ${b.min_amount}–${b.max_amount}`);
  }
  const fees = (f: Settings["fees"]) =>
    `${f.percent_bps} bps + ${
      Object.entries(f.fixed)
        .filter(([, n]) => n > 0)
        .map(([c, n]) => `${n} ${c.toUpperCase()}`)
        .join(", ") || "no fixed part"
    }, fee ${f.refunds === "keep" ? "kept" : "returned"} on refunds`;
  if (fees(before.fees) !== fees(after.fees)) lines.push(`Fees ${fees(before.fees)} → ${fees(after.fees)}`);
  const x = bannerOf(before);
  const y = bannerOf(after);
  if (x.enabled !== y.enabled)
    lines.push(y.enabled ? "Show the maintenance banner" : "Hide the maintenance banner");
  if (x.message !== y.message || x.level !== y.level) lines.push("Change the banner's text or level");
  if (before.security.require_admin_2fa !== after.security.require_admin_2fa) {
    lines.push(
      after.security.require_admin_2fa
        ? "Require two-factor sign-in for administrators"
        : "Stop requiring two-factor sign-in for administrators",
    );
  }
  return lines;
}
