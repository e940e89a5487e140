import { describe, expect, it } from "bun:test";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createLogger } from "@payments/service-kit";
import { createApp } from "../src/app.ts";
import { DOCS_CSP } from "../src/routes/docs-ui.ts";

// The whole gateway, so the test also proves docs.ts mounts the UI where the edge routes `/api/*`.
const { app } = createApp({
  logger: createLogger({ service: "gateway-test", level: "silent" }),
  upstreams: new Map(),
});

/** Scalar's browser builds as installed (the originals, before the gateway rewrites them). */
const scalarBrowserDir = join(dirname(Bun.resolveSync("@scalar/api-reference", import.meta.dir)), "browser");

async function docsPage(): Promise<{ res: Response; html: string; assets: string }> {
  const res = await app.request("/api/docs");
  const html = await res.text();
  const assets = html.match(/href="(\/api\/docs\/assets\/[^/"]+)\/scalar\.css"/)?.[1] ?? "";
  return { res, html, assets };
}

describe("GET /api/docs", () => {
  it("is a page of same-origin files only: no inline script or style, no other origin", async () => {
    const { res, html, assets } = await docsPage();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(assets).toMatch(/^\/api\/docs\/assets\/\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    // Every script has a src and is empty; no <style>, no style attribute, no event handler attribute.
    for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? [])
      expect(script).toMatch(/^<script type="module" src="[^"]+"><\/script>$/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(urls.sort()).toEqual(
      [`${assets}/init.js`, `${assets}/scalar.css`, `${assets}/standalone.esm.js`, "data:,"].sort(),
    );
    expect(html).toContain('data-openapi-url="/api/openapi.json"');
  });

  it("carries its own strict policy for when no edge sets one (the embedded default)", async () => {
    const { res } = await docsPage();
    expect(res.headers.get("content-security-policy")).toBe(DOCS_CSP);
    expect(DOCS_CSP).toContain("script-src 'self';");
    expect(DOCS_CSP).toContain("style-src 'self';");
    expect(DOCS_CSP).not.toContain("unsafe");
  });
});

describe("GET /api/docs/assets/<build>/…", () => {
  it("serves the page's script, stylesheet and Scalar's entry with their types, cached for good", async () => {
    const { assets } = await docsPage();
    for (const [file, type] of [
      ["init.js", "text/javascript"],
      ["standalone.esm.js", "text/javascript"],
      ["scalar.css", "text/css"],
    ] as const) {
      const res = await app.request(`${assets}/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(`${type}; charset=utf-8`);
      // The build segment changes whenever what is served changes, so a URL's content never does.
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
  });

  it("serves the chunks the entry imports, relative to it", async () => {
    const { assets } = await docsPage();
    const entry = await (await app.request(`${assets}/standalone.esm.js`)).text();
    const chunks = [...entry.matchAll(/["`]\.\/(chunks\/[^"`]+\.js)["`]/g)].map((m) => m[1] ?? "");
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of new Set(chunks)) {
      const res = await app.request(`${assets}/${chunk}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    }
  });

  it("serves no script that would inject a <style> or write a style attribute into HTML", async () => {
    const { assets } = await docsPage();
    const chunks = (await readdir(join(scalarBrowserDir, "chunks"))).filter((f) => f.endsWith(".js"));
    expect(chunks.length).toBeGreaterThan(50);
    for (const file of ["standalone.esm.js", ...chunks.map((c) => `chunks/${c}`)]) {
      const text = await (await app.request(`${assets}/${file}`)).text();
      expect(text).not.toContain("vite-plugin-css-injected-by-js");
      expect(text).not.toContain('style="--line-count');
    }
    const init = await (await app.request(`${assets}/init.js`)).text();
    expect(init).toContain('import("./standalone.esm.js")');
    expect(init).not.toMatch(/https?:\/\//);
  });

  it("the stylesheet is exactly the CSS Scalar's injectors would have inserted, then the line-number widths and the contrast fixes", async () => {
    const { assets } = await docsPage();
    const stylesheet = await (await app.request(`${assets}/scalar.css`)).text();
    // Run the original injectors against a stand-in document and collect what they would have inserted.
    const inserted: string[] = [];
    const fakeDocument = {
      createElement: () => ({ appendChild: (text: string) => inserted.push(text), setAttribute() {} }),
      createTextNode: (text: string) => text,
      head: { appendChild() {}, querySelector: () => null },
    };
    const entry = await Bun.file(join(scalarBrowserDir, "standalone.esm.js")).text();
    const start = entry.indexOf("(function(){try{if(typeof document<`u`)");
    const end = entry.indexOf("})();", entry.indexOf("vite-plugin-css-injected-by-js", start)) + 5;
    new Function("document", entry.slice(start, end))(fakeDocument);
    expect(inserted).toHaveLength(1);
    expect(stylesheet.startsWith(`${inserted[0]}\n`)).toBe(true);
    expect(stylesheet).toContain('.scalar-app .hljs[data-line-digits="2"]{--line-digits:2}');
    // The contrast fixes come last, so they win over the theme's own colours.
    const contrast = await Bun.file(join(import.meta.dir, "../src/routes/docs-ui.contrast.css")).text();
    expect(stylesheet.endsWith(contrast)).toBe(true);
    expect(contrast).toContain("--scalar-color-3: #616161");
  });

  it("answers 404 for another build, source maps, package files and paths that leave the build", async () => {
    const { assets } = await docsPage();
    for (const path of [
      "/api/docs/assets/0.0.0-000000000000/init.js",
      `${assets}/standalone.esm.js.map`,
      `${assets}/standalone.js`,
      `${assets}/chunks/../../index.js`,
      `${assets}/chunks/..%2f..%2findex.js`,
      `${assets}/chunks/missing-00000000.js`,
      `${assets}/package.json`,
    ]) {
      const res = await app.request(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
