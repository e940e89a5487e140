/**
 * Build plugins that give the browser a head start on the first load: what start-up will import anyway is
 * announced in the HTML instead of being discovered one import at a time.
 */
import { createHash } from "node:crypto";
import type { Plugin } from "vite";

/** Where a remote is mounted and where its build lives. */
export interface LandingRoute {
  /** Path prefix of the pages that lead into the remote (`/payments`). */
  prefix: string;
  /** URL of its `remoteEntry.js`; its folder holds the `preload.json` its build writes. */
  entry: string;
}

/** One row of the landing script's table: path prefix, the remote's folder, the remote's entry. */
export type LandingRow = readonly [prefix: string, folder: string, entry: string];

/**
 * The landing script: for the first row whose prefix contains the page's path — once the remote's
 * `preload.json` has answered — preloads its entry and the files listed there. A module that failed to load stays failed for the life of the page (the browser keeps it in its
 * module map), so nothing of a remote that is down at that moment is hinted: that is left to the shell's
 * import and its retry. Plain ES2020, for every browser the shell runs in.
 */
export function landingScript(table: readonly LandingRow[]): string {
  return (
    `(()=>{const p=location.pathname,h=document.head,pre=(u)=>{const l=document.createElement("link");` +
    `l.rel="modulepreload";l.href=u;h.appendChild(l)};for(const[r,d,e]of ${JSON.stringify(table)})` +
    `if(p===r||p.startsWith(r+"/")){fetch(d+"preload.json").then((x)=>{if(!x.ok)throw x.status;` +
    `return x.json()}).then((l)=>{pre(e);for(const u of l)pre(new URL(u,location.origin+d).href)})` +
    `.catch(()=>{});break}})();\n`
  );
}

/**
 * Starts loading the remote that owns the page being opened (`/payments/…` → payments) as soon as the HTML
 * arrives, instead of once the shell has started and asked for it: modulepreload hints for the remote's
 * `remoteEntry.js` and the files its `preload.json` lists
 * (what the entry and the exposed module import, written by `preloadExposedChunks`). Hints only fetch
 * and compile; nothing runs before the shell imports it as usual. A tiny classic script: the route is only
 * known in the browser, inline scripts are refused by the Content-Security-Policy, and a module script
 * would only run once the shell's own module graph has been fetched.
 */
export function preloadLandingRemote(routes: readonly LandingRoute[]): Plugin {
  return {
    name: "shell:preload-landing-remote",
    apply: "build",
    generateBundle: {
      // After Vite has written the HTML.
      order: "post",
      handler(_options, bundle) {
        const html = bundle["index.html"];
        if (html?.type !== "asset") return;
        const table = routes.map(
          ({ prefix, entry }): LandingRow => [prefix, entry.slice(0, entry.lastIndexOf("/") + 1), entry],
        );
        const source = landingScript(table);
        // Content-hashed like every other asset, so it may be cached for good.
        const fileName = `assets/landing-remote-${createHash("sha256").update(source).digest("hex").slice(0, 8)}.js`;
        this.emitFile({ type: "asset", fileName, source });
        html.source = String(html.source).replace(
          "<head>",
          `<head>\n    <script src="/${fileName}" async></script>`,
        );
      },
    },
  };
}
