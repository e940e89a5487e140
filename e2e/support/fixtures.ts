/**
 * The journeys' `test`: Playwright's, plus a `guard` that fails a test on anything a person would see go
 * wrong without the test asking for it — a console error, an uncaught exception, a request that failed, a
 * response with status ≥ 400 — on every page of the test's context and of every context `newContext()`
 * (support/journeys.ts) opens. What a page is meant to meet (a refusal the journey provokes) is declared
 * per test with `guard.allow…`, with the reason, so the list of expected errors is part of the journey.
 */
import {
  type BrowserContext,
  test as base,
  type ConsoleMessage,
  expect,
  type Page,
  type Request,
  type Response,
} from "@playwright/test";

/** Where a problem came from. */
type Source = "console" | "pageerror" | "requestfailed" | "response";

/** One thing that went wrong on a page. */
interface Problem {
  source: Source;
  text: string;
  url: string;
  method?: string;
  status?: number;
}

/** Matches a URL by its path (a string is the exact path, a RegExp is tested against the whole URL). */
type UrlMatch = string | RegExp;

interface ResponseRule {
  status: number;
  method: string;
  url: UrlMatch;
  why: string;
}
interface FailureRule {
  url: UrlMatch;
  error: RegExp;
  why: string;
}
interface TextRule {
  source: "console" | "pageerror";
  text: RegExp;
  why: string;
}

function urlMatches(match: UrlMatch, url: string): boolean {
  if (typeof match !== "string") return match.test(url);
  try {
    return new URL(url).pathname === match;
  } catch {
    return false;
  }
}

// Chromium reports a failed resource load twice: as the response (or request failure) and as a console
// error "Failed to load resource: …" whose location is the resource. An allowed response allows its echo.
const LOAD_STATUS = /^Failed to load resource: the server responded with a status of (\d+)/;
const LOAD_FAILURE = /^Failed to load resource: (net::\S+)/;

/** Collects problems from pages and judges them against the allow-list. */
export class Guard {
  private readonly problems: Problem[] = [];
  private readonly responses: ResponseRule[] = [];
  private readonly failures: FailureRule[] = [];
  private readonly texts: TextRule[] = [];

  constructor() {
    // No allowance for `401 POST /api/auth/refresh`: a signed-out page load asks nothing (the shell reads
    // auth's presence cookie first, docs/adr/0021), so every journey proves anonymous visits log no error.
    // A navigation or the app itself cancelling a fetch it no longer needs is not a failure.
    this.allowFailedRequest(/./, /net::ERR_ABORTED/, "request cancelled by navigation or by the page");
    // The machine's network changed (another suite's containers bring a bridge up): Chromium drops what is
    // in flight. Not the page's doing; a journey step it breaks still fails on its own assertion.
    this.allowFailedRequest(/./, /net::ERR_NETWORK_CHANGED/, "the host's network interfaces changed");
  }

  /** The page is meant to get `status` for `method url` (e.g. a refusal the journey provokes). */
  allowResponse(status: number, method: string, url: UrlMatch, why: string): void {
    this.responses.push({ status, method: method.toUpperCase(), url, why });
  }

  /** A request to `url` is meant to fail with a network error matching `error`. */
  allowFailedRequest(url: UrlMatch, error: RegExp, why: string): void {
    this.failures.push({ url, error, why });
  }

  /** A console error matching `text` is meant to happen. */
  allowConsoleError(text: RegExp, why: string): void {
    this.texts.push({ source: "console", text, why });
  }

  /** An uncaught exception matching `text` is meant to happen. */
  allowPageError(text: RegExp, why: string): void {
    this.texts.push({ source: "pageerror", text, why });
  }

  /** Listens to every page of `context`, present and future. */
  watchContext(context: BrowserContext): void {
    for (const page of context.pages()) this.watchPage(page);
    context.on("page", (page) => this.watchPage(page));
  }

  private watchPage(page: Page): void {
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() !== "error") return;
      this.problems.push({ source: "console", text: message.text(), url: message.location().url });
    });
    page.on("pageerror", (error: Error) => {
      this.problems.push({ source: "pageerror", text: error.message, url: page.url() });
    });
    page.on("requestfailed", (request: Request) => {
      this.problems.push({
        source: "requestfailed",
        text: request.failure()?.errorText ?? "failed",
        url: request.url(),
        method: request.method(),
      });
    });
    page.on("response", (response: Response) => {
      if (response.status() < 400) return;
      this.problems.push({
        source: "response",
        text: `${response.status()} ${response.statusText()}`,
        url: response.url(),
        method: response.request().method(),
        status: response.status(),
      });
    });
  }

  private allowed(p: Problem): boolean {
    switch (p.source) {
      case "response":
        return this.responses.some(
          (r) => r.status === p.status && r.method === p.method && urlMatches(r.url, p.url),
        );
      case "requestfailed":
        return this.failures.some((r) => r.error.test(p.text) && urlMatches(r.url, p.url));
      case "pageerror":
        return this.texts.some((r) => r.source === "pageerror" && r.text.test(p.text));
      case "console": {
        if (this.texts.some((r) => r.source === "console" && r.text.test(p.text))) return true;
        const status = LOAD_STATUS.exec(p.text)?.[1];
        if (status) {
          return this.responses.some((r) => r.status === Number(status) && urlMatches(r.url, p.url));
        }
        const failure = LOAD_FAILURE.exec(p.text)?.[1];
        return (
          failure !== undefined &&
          this.failures.some((r) => r.error.test(failure) && urlMatches(r.url, p.url))
        );
      }
    }
  }

  /** What went wrong that nobody declared, one line each. */
  unexpected(): string[] {
    return this.problems
      .filter((p) => !this.allowed(p))
      .map((p) => `${p.source}: ${p.method ? `${p.method} ` : ""}${p.url} — ${p.text}`);
  }
}

let active: Guard | undefined;

/** The running test's guard (for contexts opened outside the `context` fixture). */
export function activeGuard(): Guard | undefined {
  return active;
}

/** Playwright's test with the {@link Guard} on every journey. */
export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ context }, use) => {
      const guard = new Guard();
      active = guard;
      guard.watchContext(context);
      await use(guard);
      active = undefined;
      expect(guard.unexpected(), "console errors or failed requests the journey did not expect").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
