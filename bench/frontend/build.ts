/**
 * Whether the built frontends are missing or older than anything they are built from, so the benchmark
 * never measures a stale build: the apps, their shared Vite settings and build plugins, and the workspace
 * packages bundled into them.
 */
import { Glob } from "bun";

const SOURCES = [
  "frontends/*/{src,public,build}/**/*",
  "frontends/*/{index.html,vite.config.ts,package.json}",
  "frontends/{vite.shared.ts,build/**/*}",
  "packages/{ui,api-client,contracts}/src/**/*",
];
const APPS = ["shell", "auth", "payments", "admin"];

async function newest(root: string, pattern: string): Promise<number> {
  let max = 0;
  for await (const file of new Glob(pattern).scan({ cwd: root, onlyFiles: true })) {
    if (file.includes("node_modules/")) continue;
    max = Math.max(max, (await Bun.file(`${root}${file}`).stat()).mtimeMs);
  }
  return max;
}

/** True when some app has no build, or a source is newer than the oldest build. */
export async function frontendsStale(root: string): Promise<boolean> {
  const built = await Promise.all(APPS.map((app) => newest(root, `frontends/${app}/dist/index.html`)));
  const oldest = Math.min(...built);
  if (oldest === 0) return true;
  for (const pattern of SOURCES) if ((await newest(root, pattern)) > oldest) return true;
  return false;
}
