import { describe, expect, it } from "vitest";
import { type BuiltBundle, type BuiltChunk, exposedPreloads } from "../../build/remote-preload.ts";

function chunk(fileName: string, imports: string[] = [], facadeModuleId: string | null = null): BuiltChunk {
  return { type: "chunk", fileName, code: "", imports, facadeModuleId };
}

/** The shape of a remote's build: entry, import map, exposed facade and code, a lazy page, an asset. */
const bundle: BuiltBundle = {
  "remoteEntry.js": chunk("remoteEntry.js", ["assets/dist.js", "assets/preload-helper.js"]),
  "assets/dist.js": chunk("assets/dist.js"),
  "assets/preload-helper.js": chunk("assets/preload-helper.js"),
  "assets/_virtual_mf-localSharedImportMap.js": chunk("assets/_virtual_mf-localSharedImportMap.js", [
    "assets/preload-helper.js",
  ]),
  "assets/App-facade.js": chunk("assets/App-facade.js", ["assets/App-code.js"], "/repo/payments/src/App.tsx"),
  "assets/App-code.js": chunk("assets/App-code.js", ["assets/jsx-runtime.js"]),
  "assets/jsx-runtime.js": chunk("assets/jsx-runtime.js"),
  "assets/NewPaymentPage.js": chunk("assets/NewPaymentPage.js", ["assets/jsx-runtime.js"]),
  "assets/index.css": { type: "asset" },
};

describe("what a remote preloads", () => {
  it("lists the exposed module's static graph and the import map, not the lazy pages", () => {
    const { early, fromEntry } = exposedPreloads(bundle, { "./App": "./src/App.tsx" }, "remoteEntry.js");
    expect(new Set(early)).toEqual(
      new Set([
        "assets/dist.js",
        "assets/preload-helper.js",
        "assets/_virtual_mf-localSharedImportMap.js",
        "assets/App-facade.js",
        "assets/App-code.js",
        "assets/jsx-runtime.js",
      ]),
    );
    // The entry fetches its own imports anyway; only the rest is worth a hint from the entry.
    expect(new Set(fromEntry)).toEqual(
      new Set([
        "assets/_virtual_mf-localSharedImportMap.js",
        "assets/App-facade.js",
        "assets/App-code.js",
        "assets/jsx-runtime.js",
      ]),
    );
    expect(early).not.toContain("assets/NewPaymentPage.js");
  });

  it("lists nothing when the entry is not in the bundle", () => {
    expect(exposedPreloads(bundle, { "./App": "./src/App.tsx" }, "other.js")).toEqual({
      early: [],
      fromEntry: [],
    });
  });
});
