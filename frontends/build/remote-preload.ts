/**
 * Build plugin of the remotes: what a remote's exposed module needs is announced as soon as possible, not
 * discovered one import at a time. Imports nothing (no package resolves from here; see vite.shared.ts).
 */

/** The parts of a bundle's output chunk read here (Rolldown's `OutputChunk`). */
export interface BuiltChunk {
  type: "chunk";
  fileName: string;
  code: string;
  imports: string[];
  facadeModuleId: string | null;
}

/** A build's output, by file name. */
export type BuiltBundle = Record<string, BuiltChunk | { type: "asset" }>;

/** What to preload, and when. */
export interface ExposedPreloads {
  /** Everything the remote will fetch to show its exposed modules, the entry's own imports included. */
  early: string[];
  /** The part the entry does not import statically (it fetches those anyway when it loads). */
  fromEntry: string[];
}

/**
 * The chunks a remote fetches to show its exposed modules: each exposed module's chunk with everything it
 * imports statically, the shared-import map the entry's `init()` loads, and the entry's own imports.
 */
export function exposedPreloads(
  bundle: BuiltBundle,
  exposes: Record<string, string>,
  entryFile: string,
): ExposedPreloads {
  const entry = bundle[entryFile];
  if (entry?.type !== "chunk") return { early: [], fromEntry: [] };
  const exposed = Object.values(exposes).map((path) => path.replace(/^\.\//, "/"));
  const wanted = new Set<string>();
  const add = (fileName: string) => {
    const chunk = bundle[fileName];
    if (chunk?.type !== "chunk" || wanted.has(fileName)) return;
    wanted.add(fileName);
    for (const imported of chunk.imports) add(imported);
  };
  for (const out of Object.values(bundle)) {
    if (out.type !== "chunk") continue;
    const facade = out.facadeModuleId ?? "";
    if (exposed.some((path) => facade.endsWith(path)) || out.fileName.includes("localSharedImportMap"))
      add(out.fileName);
  }
  wanted.delete(entryFile);
  return {
    early: [...new Set([...entry.imports, ...wanted])],
    fromEntry: [...wanted].filter((file) => !entry.imports.includes(file)),
  };
}

/**
 * Makes a remote's `remoteEntry.js` start fetching, as soon as it runs, every chunk its exposed modules
 * import statically and the shared-import map its `init()` loads. Without it the browser discovers them
 * one import at a time (entry → init → import map → exposed facade → its code), a round trip each before
 * the remote can paint. The hints are `<link rel="modulepreload">`: fetched and compiled, run only when
 * imported, so nothing changes in what executes or when. The full list is also written to `preload.json`
 * next to the entry: the shell reads it when the remote owns the page being opened, before the entry has
 * even been fetched.
 */
export function preloadExposedChunks(exposes: Record<string, string>, entryFile = "remoteEntry.js") {
  return {
    name: "payments:preload-exposed-chunks",
    apply: "build" as const,
    generateBundle(
      this: { emitFile(file: { type: "asset"; fileName: string; source: string }): string },
      _options: unknown,
      bundle: BuiltBundle,
    ) {
      const entry = bundle[entryFile];
      if (entry?.type !== "chunk") return;
      const { early, fromEntry } = exposedPreloads(bundle, exposes, entryFile);
      this.emitFile({ type: "asset", fileName: "preload.json", source: JSON.stringify(early) });
      if (fromEntry.length === 0) return;
      entry.code =
        `if(typeof document<"u")for(const f of ${JSON.stringify(fromEntry)}){const l=document.createElement("link");` +
        `l.rel="modulepreload";l.href=new URL(f,import.meta.url).href;document.head.appendChild(l)}\n${entry.code}`;
    },
  };
}
