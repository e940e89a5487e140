/**
 * What the accessibility and phone-width journeys check on one page: axe (serious and critical
 * violations, WCAG 2.x A/AA and best-practice rules) in light and dark colours at desktop width and at
 * phone width, and that at 360 and 390 px nothing scrolls sideways (the document is no wider than the
 * window). The findings of a whole run are written to `test-results/a11y-summary.jsonl` for the report.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { shellMenu } from "../../support/journeys.ts";
import { type MainPage, openPage, waitForQuiet } from "../../support/main-pages.ts";

/** A phone's width, and the narrowest the layout is made for. */
export const PHONE = { width: 390, height: 844 };
export const NARROW = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * What a re-check needs after one thing changed on a page already checked in full: `colours` for the dark
 * scheme (the same DOM in other colours), `within` for a part that just appeared (the phone menu). A full
 * axe run costs seconds on these cores; the narrow ones keep the suite inside CI's budget.
 */
export interface AxeScope {
  rules?: string[];
  within?: string;
}

/** Rules whose outcome depends on colours alone. */
export const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

/** Serious and critical axe violations of the page as it is now, one line each. */
export async function seriousViolations(page: Page, scope: AxeScope = {}): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  builder = scope.rules
    ? builder.withRules(scope.rules)
    : builder.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]);
  if (scope.within) builder = builder.include(scope.within);
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const targets = v.nodes
        .slice(0, 5)
        .map((n) => n.target.join(" "))
        .join(", ");
      return `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s): ${targets}`;
    });
}

/** How far the document is wider than the window (0: no sideways scroll). */
export async function overflow(
  page: Page,
): Promise<{ scrollWidth: number; innerWidth: number; widest: string }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    // Name the element that sticks out furthest, so a failure says where to look.
    let widest = "";
    let right = innerWidth;
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= right) continue;
      // Content inside a horizontally scrolling frame (a wide table) does not widen the page.
      let scroller = element.parentElement;
      let clipped = false;
      while (scroller && scroller !== document.body) {
        const style = getComputedStyle(scroller);
        if (style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden") {
          clipped = true;
          break;
        }
        scroller = scroller.parentElement;
      }
      if (clipped) continue;
      right = box.right;
      widest = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(" ").join(".")}` : ""}`;
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
}

/** One page's findings. */
export interface PageFindings {
  page: string;
  variant: string;
  violations: string[];
  scrollWidth?: number;
  innerWidth?: number;
}

/** Records findings for the run's summary, `test-results/a11y-summary.jsonl` (one JSON object per line). */
export function record(info: TestInfo, findings: PageFindings): void {
  mkdirSync(info.project.outputDir, { recursive: true });
  appendFileSync(join(info.project.outputDir, "a11y-summary.jsonl"), `${JSON.stringify(findings)}\n`);
}

/**
 * Every check on one page: axe in full at desktop width and at phone width, its colour rules in the dark
 * scheme, and the header in full with the phone menu open; no sideways scroll at 390 and 360 px. Failures are soft, so
 * one run lists every page's problems. `here` checks the page as it is now instead of opening
 * `target.path`: a state a navigation would lose (the two-factor step of a sign-in, a set-up in progress).
 */
export async function auditPage(
  page: Page,
  target: MainPage,
  info: TestInfo,
  opts: { here?: boolean } = {},
): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
  if (opts.here) {
    await expect(page.getByRole("heading", { level: 1, name: target.heading })).toBeVisible();
    await waitForQuiet(page);
  } else {
    await openPage(page, target);
  }
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const violations = await seriousViolations(page, scheme === "dark" ? { rules: COLOUR_RULES } : {});
    record(info, { page: target.name, variant: `desktop ${scheme}`, violations });
    expect.soft(violations, `${target.name}: axe, desktop, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });

  for (const size of [PHONE, NARROW]) {
    await page.setViewportSize(size);
    await waitForQuiet(page);
    const width = await overflow(page);
    const phoneViolations = size === PHONE ? await seriousViolations(page) : [];
    record(info, {
      page: target.name,
      variant: `${size.width} px`,
      violations: phoneViolations,
      scrollWidth: width.scrollWidth,
      innerWidth: width.innerWidth,
    });
    expect
      .soft(
        width.scrollWidth,
        `${target.name} at ${size.width} px scrolls sideways (widest: ${width.widest})`,
      )
      .toBeLessThanOrEqual(width.innerWidth);
    expect.soft(phoneViolations, `${target.name}: axe at ${size.width} px`).toEqual([]);
  }

  // On a phone the shell's header is one row, and its menu opens without widening the page.
  const menu = shellMenu(page);
  await page.setViewportSize(PHONE);
  if (await menu.isVisible()) {
    const header = await page.locator("header").first().boundingBox();
    expect.soft(header?.height ?? 0, `${target.name}: header height at 390 px`).toBeLessThan(64);
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const width = await overflow(page);
    expect
      .soft(width.scrollWidth, `${target.name} at 390 px with the menu open (widest: ${width.widest})`)
      .toBeLessThanOrEqual(width.innerWidth);
    const violations = await seriousViolations(page, { within: "header.shell-header" });
    record(info, { page: target.name, variant: "390 px, menu open", violations });
    expect.soft(violations, `${target.name}: axe at 390 px with the menu open`).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(menu).toBeFocused();
  }
  await page.setViewportSize(DESKTOP);
}
