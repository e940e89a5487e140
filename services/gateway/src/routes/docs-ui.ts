/**
 * The API reference UI at `/api/docs` (ADR 0014): Scalar's standalone ESM build, pinned in package.json and
 * served by the gateway itself under `/api/docs/assets/<build>/`, so the page loads nothing from another
 * origin and has no inline script or style. It works under the edge's Content-Security-Policy (Caddy) and
 * in the embedded default without Caddy alike.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ApiError, type KitEnv } from "@payments/service-kit";
import type { Hono } from "hono";

export const DOCS_PATH = "/api/docs";
export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets`;

/**
 * The page's own policy, for when nothing in front sets one (the embedded default); behind Caddy the
 * edge's policy replaces it. Same origin only, and no 'unsafe-inline' or 'unsafe-eval'.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Scalar's builds inject their CSS at run time as `<style>` elements (vite-plugin-css-injected-by-js),
 * which the CSP refuses. Each injector is one self-contained statement of this shape: it is cut out of the
 * served script and its CSS is served as a stylesheet instead.
 */
const INJECTOR_START = "(function(){try{if(typeof document<`u`){var e=document.createElement(`style`);";
const INJECTOR_TEXT = "e.appendChild(document.createTextNode(`";
const INJECTOR_END =
  "`)),document.head.appendChild(e)}}catch(e){console.error(`vite-plugin-css-injected-by-js`,e)}})();";
const INJECTOR_MARK = "vite-plugin-css-injected-by-js";

/** `source` without its CSS injectors; their CSS is pushed onto `css`. Throws on an injector of another shape. */
function cutInjectors(source: string, css: string[]): string {
  let out = "";
  let from = 0;
  for (let start = source.indexOf(INJECTOR_START); start >= 0; start = source.indexOf(INJECTOR_START, from)) {
    const text = source.indexOf(INJECTOR_TEXT, start);
    // Between the two only the nonce and id of the element are set: a few hundred characters at most.
    if (text < 0 || text - start > 400) throw new Error("docs UI: a CSS injector of an unknown shape");
    const begin = text + INJECTOR_TEXT.length;
    let end = begin;
    while (end < source.length && source[end] !== "`") end += source[end] === "\\" ? 2 : 1;
    const raw = source.slice(begin, end);
    // A `${` would be an expression, not CSS text.
    if (!source.startsWith(INJECTOR_END, end) || /(?<!\\)\$\{/.test(raw))
      throw new Error("docs UI: a CSS injector of an unknown shape");
    css.push(cookTemplate(raw));
    out += source.slice(from, start);
    from = end + INJECTOR_END.length;
  }
  return out + source.slice(from);
}

/**
 * The code highlighter writes its line-number width as a style attribute into HTML it renders with
 * innerHTML, which the CSP refuses (the numbers then lose their alignment and the console reports it).
 * It is written as a data attribute instead, which the stylesheet maps back to the same custom property.
 */
const LINE_DIGITS_ATTRIBUTE =
  /` style="--line-count: \$\{(\w+)\}; --line-digits: \$\{\1\.toString\(\)\.length\};"`/g;
const LINE_DIGITS_CSS = [1, 2, 3, 4, 5]
  .map((n) => `.scalar-app .hljs[data-line-digits="${n}"]{--line-digits:${n}}`)
  .join("\n");

/** The value of a template literal's raw text (`\\` → `\`, `\u0041` → `A`…), as the browser would see it. */
function cookTemplate(raw: string): string {
  const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v", "0": "\0" };
  return raw.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g,
    (_, esc: string) => {
      if (esc.startsWith("u{")) return String.fromCodePoint(Number.parseInt(esc.slice(2, -1), 16));
      if (/^[ux][0-9a-fA-F]/.test(esc)) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
      if (esc === "\n" || esc === "\r" || esc === "\r\n") return ""; // a line continuation
      return simple[esc] ?? esc;
    },
  );
}

/** Scalar's build, rewritten for the CSP and ready to serve. */
export interface DocsBundle {
  /** The build segment of asset URLs: Scalar's version and a hash of what is served, so URLs never change content. */
  build: string;
  /** `dist/browser` of @scalar/api-reference. */
  dir: string;
  /** Scripts that were rewritten, by path relative to `dir`; every other one is served as it is. */
  rewritten: Map<string, string>;
  /** Every injector's CSS, entry first (the order the browser would have applied them), and the mappings above. */
  stylesheet: string;
  /** The page's own script (docs-ui.client.js). */
  init: string;
}

/** Reads the pinned Scalar build and rewrites it; throws when the build no longer has the expected shape. */
export async function loadDocsBundle(): Promise<DocsBundle> {
  // The package's main entry is dist/index.js; the browser builds are beside it.
  const dir = join(dirname(Bun.resolveSync("@scalar/api-reference", import.meta.dir)), "browser");
  const pkg = (await Bun.file(join(dir, "..", "..", "package.json")).json()) as { version: string };
  const chunks = (await readdir(join(dir, "chunks"))).filter((f) => f.endsWith(".js")).sort();
  const rewritten = new Map<string, string>();
  const css: string[] = [];
  let lineDigits = 0;
  for (const file of ["standalone.esm.js", ...chunks.map((c) => `chunks/${c}`)]) {
    const source = await Bun.file(join(dir, file)).text();
    if (!source.includes(INJECTOR_MARK) && !source.includes("--line-count")) continue;
    const text = cutInjectors(source, css).replace(LINE_DIGITS_ATTRIBUTE, (_, count: string) => {
      lineDigits++;
      return `\` data-line-digits="\${${count}.toString().length}"\``;
    });
    if (text.includes(INJECTOR_MARK) || text.includes("--line-count: $"))
      throw new Error(
        `docs UI: Scalar ${pkg.version}'s ${file} has a style injection this code does not know`,
      );
    rewritten.set(file, text);
  }
  if (css.length === 0 || lineDigits !== 1)
    throw new Error(`docs UI: Scalar ${pkg.version} is not shaped as this code expects (ADR 0014)`);
  // Last, so its theme colours win over Scalar's (docs-ui.contrast.css says why).
  const contrast = await Bun.file(join(import.meta.dir, "docs-ui.contrast.css")).text();
  const stylesheet = `${css.join("\n")}\n${LINE_DIGITS_CSS}\n${contrast}`;
  const init = await Bun.file(join(import.meta.dir, "docs-ui.client.js")).text();
  const hash = createHash("sha256").update(stylesheet).update(init).digest("hex").slice(0, 12);
  return { build: `${pkg.version}-${hash}`, dir, rewritten, stylesheet, init };
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
/** The entry and its chunks, by exact name: nothing else in the package (source maps, types) is reachable. */
const SERVED_SCRIPT = /^(?:standalone\.esm|chunks\/[A-Za-z0-9_.-]+)\.js$/;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The page: external same-origin files only; the spec URL travels as a data attribute, not inline script. */
function page(title: string, assets: string, specUrl: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${assets}/scalar.css" />
    <link rel="modulepreload" href="${assets}/standalone.esm.js" />
    <script type="module" src="${assets}/init.js"></script>
  </head>
  <body>
    <div id="docs" data-openapi-url="${escapeHtml(specUrl)}"></div>
  </body>
</html>
`;
}

export interface DocsUiOptions {
  /** Where the page loads the OpenAPI document from (same origin). */
  specUrl: string;
  title: string;
  /** The bundle to serve; default the pinned Scalar build, read on first use and then kept in memory. */
  load?: () => Promise<DocsBundle>;
}

/** Mounts `GET /api/docs` and `GET /api/docs/assets/<build>/<file>` on `app`. */
export function mountDocsUi(app: Hono<KitEnv>, opts: DocsUiOptions): void {
  let bundle: Promise<DocsBundle> | undefined;
  const load = (): Promise<DocsBundle> => {
    // A failed read is retried by the next request rather than remembered.
    bundle ??= (opts.load ?? loadDocsBundle)().catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    return bundle;
  };

  app.get(DOCS_PATH, async (c) => {
    const { build } = await load();
    c.header("Cache-Control", "no-cache");
    c.header("Content-Security-Policy", DOCS_CSP);
    return c.html(page(opts.title, `${DOCS_ASSETS_PATH}/${build}`, opts.specUrl));
  });

  app.get(`${DOCS_ASSETS_PATH}/:build/:file{.+}`, async (c) => {
    const b = await load();
    const file = c.req.param("file");
    // An old build's URL (a page loaded before a deploy) is a 404, never another build's file under it.
    if (c.req.param("build") !== b.build) throw notFound();
    if (file === "init.js") return asset(b.init, JS);
    if (file === "scalar.css") return asset(b.stylesheet, CSS);
    if (!SERVED_SCRIPT.test(file) || file.includes("..")) throw notFound();
    const text = b.rewritten.get(file);
    if (text !== undefined) return asset(text, JS);
    const script = Bun.file(join(b.dir, file));
    if (!(await script.exists())) throw notFound();
    return asset(script, JS);
  });
}

function asset(body: string | Blob, contentType: string): Response {
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": IMMUTABLE } });
}

function notFound(): ApiError {
  return new ApiError(404, "not_found", "asset_not_found", "No such file.");
}
