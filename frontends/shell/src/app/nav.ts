import type { Role } from "@payments/api-client";

/** One navigation link. */
export interface NavItem {
  to: string;
  label: string;
  /** Active only on an exact match (section roots whose children have their own links). */
  end?: boolean;
}

/** The main navigation for a role (ARCHITECTURE §4: customers pay, vendors receive, admins govern). */
export function navItems(role: Role | undefined): NavItem[] {
  switch (role) {
    case "customer":
      return [
        { to: "/payments", label: "Payments", end: true },
        { to: "/payments/new", label: "New payment" },
        { to: "/payments/reports", label: "Reports" },
      ];
    case "vendor":
      return [
        { to: "/payments", label: "Payments received", end: true },
        { to: "/payments/balance", label: "Balance" },
        { to: "/payments/reports", label: "Reports" },
        { to: "/account/developers", label: "Developers" },
      ];
    case "admin":
      return [
        { to: "/admin", label: "Dashboard", end: true },
        { to: "/admin/users", label: "Users" },
        { to: "/admin/audit", label: "Audit log" },
        { to: "/admin/config", label: "Configuration" },
        { to: "/admin/ledger", label: "Ledger" },
        { to: "/payments", label: "Payments" },
      ];
    default:
      return [
        { to: "/account/login", label: "Sign in" },
        { to: "/account/register", label: "Create account" },
      ];
  }
}

/** Where a role lands after sign-in. */
export function homeFor(role: Role): string {
  return role === "admin" ? "/admin" : "/payments";
}
