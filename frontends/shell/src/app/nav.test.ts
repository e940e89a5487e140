import { describe, expect, it } from "vitest";
import { homeFor, navItems } from "./nav.ts";

describe("navigation by role", () => {
  it("shows each role its own sections", () => {
    expect(navItems("customer").map((i) => i.to)).toEqual([
      "/payments",
      "/payments/new",
      "/payments/reports",
    ]);
    expect(navItems("vendor").map((i) => i.to)).toEqual([
      "/payments",
      "/payments/balance",
      "/payments/reports",
      "/account/developers",
    ]);
    expect(navItems("admin").map((i) => i.to)).toContain("/admin/audit");
    expect(navItems(undefined).map((i) => i.to)).toEqual(["/account/login", "/account/register"]);
  });

  it("never shows admin sections to others", () => {
    for (const role of ["customer", "vendor"] as const) {
      expect(navItems(role).some((i) => i.to.startsWith("/admin"))).toBe(false);
    }
    expect(homeFor("admin")).toBe("/admin");
    expect(homeFor("vendor")).toBe("/payments");
  });
});
