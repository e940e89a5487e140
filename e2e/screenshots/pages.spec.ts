/**
 * Screenshots of every main page (support/main-pages.ts) at desktop (1280 × 800) and phone (390 × 844)
 * width, light theme, with the demo data a person would see: docs/screenshots/<page>-desktop.png
 * and <page>-phone.png, linked from the README. Each viewer signs in once per size, through the form.
 */
import { mkdirSync } from "node:fs";
import type { Browser, TestInfo } from "@playwright/test";
import { test } from "../support/fixtures.ts";
import { adminAccount, newContext, signIn } from "../support/journeys.ts";
import {
  type DemoData,
  demoData,
  type MainPage,
  mainPages,
  openPage,
  type Viewer,
} from "../support/main-pages.ts";

const OUT = new URL("../../docs/screenshots/", import.meta.url).pathname;
const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 } },
} as const;

async function photograph(
  browser: Browser,
  info: TestInfo,
  viewer: Viewer,
  pages: MainPage[],
  data: DemoData,
): Promise<void> {
  for (const [size, options] of Object.entries(SIZES)) {
    const context = await newContext(browser, info);
    const page = await context.newPage();
    await page.setViewportSize(options.viewport);
    await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
    try {
      if (viewer === "customer") await signIn(page, data.customer);
      if (viewer === "vendor") await signIn(page, data.vendor);
      if (viewer === "admin") await signIn(page, adminAccount());
      for (const target of pages) {
        await openPage(page, target);
        // Charts lay themselves out after their data: one frame more.
        await page.waitForTimeout(400);
        // Whole pages, except the API reference: it is one very long page of every operation.
        const fullPage = target.name !== "api-docs";
        await page.screenshot({ path: `${OUT}${target.name}-${size}.png`, fullPage });
      }
    } finally {
      await context.close();
    }
  }
}

test("every main page at desktop and phone width", async ({ browser }, info) => {
  // About 3 minutes on a quiet machine; the limit allows for two shared cores under another suite.
  test.setTimeout(1_500_000);
  mkdirSync(OUT, { recursive: true });
  const data = await demoData();
  const pages = mainPages(data.refundedId);
  for (const viewer of ["anonymous", "customer", "vendor", "admin"] as const) {
    await photograph(browser, info, viewer, pages[viewer], data);
  }
});
