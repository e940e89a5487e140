// @vitest-environment node
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertNoPublicSourcemaps,
  moveSourcemaps,
  privateSourcemaps,
  sourcemapsDir,
} from "../../build/sourcemaps.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A built-looking app: `<tmp>/app/dist` with the given files. */
function built(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sourcemaps-"));
  dirs.push(root);
  const dist = join(root, "app", "dist");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    writeFileSync(join(dist, file), text);
  }
  return dist;
}

describe("private source maps", () => {
  it("builds hidden maps and moves them beside dist/, keeping their paths", () => {
    const dist = built({
      "assets/index-Ab12Cd34.js": "console.log(1)",
      "assets/index-Ab12Cd34.js.map": '{"version":3}',
      "index.html": "<!doctype html>",
    });
    const plugin = privateSourcemaps();
    expect(plugin.config()).toEqual({ build: { sourcemap: "hidden" } });
    plugin.configResolved({ root: join(dist, ".."), build: { outDir: "dist" } });
    plugin.buildStart();
    plugin.writeBundle({ dir: dist }, { "assets/index-Ab12Cd34.js": {}, "assets/index-Ab12Cd34.js.map": {} });
    expect(existsSync(join(dist, "assets/index-Ab12Cd34.js.map"))).toBe(false);
    expect(readFileSync(join(sourcemapsDir(dist), "assets/index-Ab12Cd34.js.map"), "utf8")).toBe(
      '{"version":3}',
    );
    expect(sourcemapsDir(dist)).toBe(join(dist, "..", "sourcemaps"));
    expect(() => plugin.closeBundle.handler()).not.toThrow();
  });

  it("starts each build without the maps of the one before", () => {
    const dist = built({ "a.js": "" });
    mkdirSync(sourcemapsDir(dist), { recursive: true });
    writeFileSync(join(sourcemapsDir(dist), "old.js.map"), "{}");
    const plugin = privateSourcemaps();
    plugin.configResolved({ root: join(dist, ".."), build: { outDir: "dist" } });
    plugin.buildStart();
    expect(existsSync(join(sourcemapsDir(dist), "old.js.map"))).toBe(false);
  });

  it("fails the build on a map left in dist/ or a script that names one", () => {
    const leftover = built({ "sw.js": "self.x=1", "workbox-1a2b3c4d.js.map": "{}" });
    expect(() => assertNoPublicSourcemaps(leftover)).toThrow(/workbox-1a2b3c4d\.js\.map/);
    const named = built({ "assets/x-Ab12Cd34.js": "x()\n//# sourceMappingURL=x-Ab12Cd34.js.map\n" });
    expect(() => assertNoPublicSourcemaps(named)).toThrow(/assets\/x-Ab12Cd34\.js/);
    expect(() => assertNoPublicSourcemaps(built({ "a.js": "a()", "a.css": "b{}" }))).not.toThrow();
  });

  it("moves only .map files", () => {
    const dist = built({ "a.js": "", "a.js.map": "{}" });
    const target = join(dist, "..", "elsewhere");
    expect(moveSourcemaps(dist, ["a.js", "a.js.map"], target)).toEqual(["a.js.map"]);
    expect(existsSync(join(dist, "a.js"))).toBe(true);
  });
});
