/**
 * The API reference at /api/docs, through Caddy and on the gateway alone (the embedded default): the
 * platform serves the UI and every asset of it (ADR 0014), so under a Content-Security-Policy without
 * 'unsafe-inline' it renders the operations of the platform's OpenAPI document and its request client calls
 * the API — with no console error, no CSP violation, no failed request and no request to another origin.
 */
import { expect, type Page, test } from "@playwright/test";
import { api } from "../../support/journeys.ts";

interface OpenApi {
  paths: Record<string, Record<string, { summary?: string }>>;
}

/** Everything the page did wrong, gathered from the start of its life. */
async function watch(page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  // Reported by the page itself: the event is the only complete record of what the CSP refused.
  await page.exposeFunction("reportCspViolation", (text: string) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
    document.addEventListener("securitypolicyviolation", (e) =>
      report(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.protocol !== "data:" && url.origin !== origin)
      problems.push(`request to another origin: ${r.url()}`);
  });
  return problems;
}

/**
 * Opens the docs at `origin`, reads a real operation through the sidebar, sends a request from the page's
 * client, and returns the Content-Security-Policy the page was served with. Fails on any problem.
 */
async function readDocs(page: Page, origin: string, shot: (name: string) => string): Promise<string> {
  test.setTimeout(120_000);
  const problems = await watch(page, origin);
  const spec = (await api.call("GET", "/api/openapi.json")).json as OpenApi;
  const createPayment = spec.paths["/api/payments"]?.post?.summary ?? "";
  const jwks = spec.paths["/api/auth/.well-known/jwks.json"]?.get?.summary ?? "";
  expect(createPayment).not.toBe("");
  expect(jwks).not.toBe("");

  const res = await page.goto(`${origin}/api/docs`);
  expect(res?.status()).toBe(200);
  const csp = res?.headers()["content-security-policy"] ?? "";
  for (const directive of ["script-src 'self'", "style-src 'self'", "object-src 'none'"])
    expect(csp).toContain(directive);
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");

  await expect(page).toHaveTitle("Payments platform API");
  // The first render compiles about 2 MB of Scalar and the whole document: seconds on a busy 2-core machine.
  await expect(page.getByRole("heading", { name: "Payments platform API" })).toBeVisible({ timeout: 30_000 });
  // Real operations of the document, reached as a reader would: through the sidebar's tags.
  const sidebar = page.getByRole("complementary", { name: /^Sidebar/ });
  await sidebar.getByRole("button", { name: "Open Group - payments", exact: true }).click();
  await sidebar.getByRole("link", { name: createPayment }).click();
  await expect(page.getByRole("heading", { name: createPayment })).toBeVisible();
  await expect(page.getByText("/api/payments", { exact: true }).first()).toBeVisible();
  await page.screenshot({ path: shot("api-docs.png") });

  // The request client runs in the page (CodeMirror editors, styled through the bridged stylesheets) and
  // calls this origin: the public keys need no token, so the answer is a 200.
  await sidebar.getByRole("button", { name: "Open Group - tokens", exact: true }).click();
  await sidebar.getByRole("link", { name: jwks }).click();
  const section = page.locator("section", { has: page.getByRole("heading", { name: jwks }) }).last();
  await section.getByRole("button", { name: /Test Request/ }).click();
  const client = page.getByRole("dialog");
  await client.getByRole("button", { name: /^Send get request/ }).click();
  await expect(client.getByText("200 OK")).toBeVisible();
  await expect(client.getByText('"keys"').first()).toBeVisible();
  await page.screenshot({ path: shot("api-docs-client.png") });

  expect(problems).toEqual([]);
  return csp;
}

test("through Caddy, the API docs render the platform's operations from this origin alone", async ({
  page,
  baseURL,
}, info) => {
  const csp = await readDocs(page, new URL(String(baseURL)).origin, (name) => info.outputPath(name));
  // The edge's policy is the one in force on /api/docs (Caddy replaces the gateway's own).
  expect(csp).toContain("wss://");
});

test("the gateway alone (the embedded default, no Caddy) serves the same docs under its own policy", async ({
  page,
}, info) => {
  const csp = await readDocs(page, api.origin, (name) => info.outputPath(name));
  expect(csp).not.toContain("wss://");
});
