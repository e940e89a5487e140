import { describe, expect, it } from "vitest";
import { type LandingRow, landingScript } from "./hints.ts";

const TABLE: LandingRow[] = [
  ["/login", "/remotes/auth/", "/remotes/auth/remoteEntry.js"],
  ["/payments", "/remotes/payments/", "/remotes/payments/remoteEntry.js"],
];

/** Runs the landing script against a page at `pathname`; resolves with the hrefs it preloaded. */
async function run(pathname: string, preloadJson: { ok: boolean; files?: string[] }) {
  const links: Array<{ rel?: string; href?: string }> = [];
  const fetched: string[] = [];
  const document = {
    head: { appendChild: (link: { rel?: string; href?: string }) => links.push(link) },
    createElement: () => ({}),
  };
  const location = { pathname, origin: "https://pay.example" };
  const fetch = async (url: string) => {
    fetched.push(url);
    return { ok: preloadJson.ok, json: async () => preloadJson.files ?? [] };
  };
  // The script's free variables are exactly these three browser globals.
  new Function("document", "location", "fetch", landingScript(TABLE))(document, location, fetch);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return {
    hrefs: links.map((l) => (l.rel === "modulepreload" ? l.href : `not a preload: ${l.rel}`)),
    fetched,
  };
}

describe("landing-remote script", () => {
  it("preloads the entry and what preload.json lists for the page's remote", async () => {
    const { hrefs, fetched } = await run("/payments/pay_01", {
      ok: true,
      files: ["assets/App.js", "assets/dist.js"],
    });
    expect(fetched).toEqual(["/remotes/payments/preload.json"]);
    expect(hrefs).toEqual([
      "/remotes/payments/remoteEntry.js",
      "https://pay.example/remotes/payments/assets/App.js",
      "https://pay.example/remotes/payments/assets/dist.js",
    ]);
  });

  it("matches whole path segments and does nothing on pages no remote owns", async () => {
    expect((await run("/paymentsx", { ok: true })).hrefs).toEqual([]);
    expect((await run("/preferences", { ok: true })).fetched).toEqual([]);
  });

  it("hints nothing of a remote that does not answer (a failed module would stay failed)", async () => {
    const { hrefs, fetched } = await run("/login", { ok: false });
    expect(fetched).toEqual(["/remotes/auth/preload.json"]);
    expect(hrefs).toEqual([]);
  });
});
