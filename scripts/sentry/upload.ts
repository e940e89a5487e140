/**
 * Uploads the frontends' source maps (kept out of `dist/` by frontends/build/sourcemaps.ts) to a Sentry,
 * with Sentry's release-files API: the release is created, then each map and the script it maps are
 * uploaded as release artifacts under the URL path the edge serves the script at (`~/assets/…`,
 * `~/remotes/<name>/assets/…`; `~` matches any origin). The built scripts carry no `sourceMappingURL`
 * (hidden maps), so each script's artifact names its map in a `Sourcemap` header, which is how Sentry pairs
 * them. Works against sentry.io and a self-hosted Sentry alike.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Where to upload; from `SENTRY_UPLOAD_URL`, `SENTRY_AUTH_TOKEN`, `SENTRY_ORG`, `SENTRY_PROJECT`. */
export interface UploadTarget {
  /** Base URL of the Sentry, e.g. https://sentry.io or https://sentry.internal. */
  url: string;
  /** An auth token with the `project:releases` scope. */
  token: string;
  org: string;
  project: string;
  release: string;
}

/** One built frontend: its `dist/`, its private `sourcemaps/`, and the URL prefix the edge serves it at. */
export interface BuiltApp {
  name: string;
  dist: string;
  sourcemaps: string;
  /** "" for the shell (served at /), "remotes/<name>/" for a remote. */
  prefix: string;
}

/** What was uploaded, per app. */
export interface UploadSummary {
  app: string;
  maps: number;
  bytes: number;
}

/** The frontends of this repository as the edge serves them (the shell at /, remotes at /remotes/<name>/). */
export function builtApps(frontendsDir: string): BuiltApp[] {
  return ["shell", "auth", "payments", "admin"].map((name) => ({
    name,
    dist: join(frontendsDir, name, "dist"),
    sourcemaps: join(frontendsDir, name, "sourcemaps"),
    prefix: name === "shell" ? "" : `remotes/${name}/`,
  }));
}

function mapsUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".map"))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Sends one API call; a status outside `ok` is an error naming the call (never the token). */
async function call(fetcher: Fetch, target: UploadTarget, path: string, init: RequestInit, ok: number[]) {
  const res = await fetcher(`${target.url.replace(/\/+$/, "")}/api/0/${path}`, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${target.token}` },
  });
  if (!ok.includes(res.status)) {
    throw new Error(
      `Sentry answered ${res.status} to ${init.method ?? "GET"} /api/0/${path}: ${await res.text()}`,
    );
  }
}

/** Creates the release (an existing one is fine) and uploads every app's maps and mapped scripts. */
export async function uploadSourcemaps(
  target: UploadTarget,
  apps: readonly BuiltApp[],
  fetcher: Fetch = fetch,
): Promise<UploadSummary[]> {
  const org = encodeURIComponent(target.org);
  const release = encodeURIComponent(target.release);
  await call(
    fetcher,
    target,
    `organizations/${org}/releases/`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ version: target.release, projects: [target.project] }),
    },
    [200, 201, 208],
  );
  const upload = async (name: string, file: string, header?: string) => {
    const form = new FormData();
    form.set("name", name);
    form.set("file", Bun.file(file), name.split("/").at(-1));
    if (header) form.set("header", header);
    // 409: already uploaded under this release (a re-run); the artifact is the same build's.
    await call(
      fetcher,
      target,
      `organizations/${org}/releases/${release}/files/`,
      { method: "POST", body: form },
      [201, 409],
    );
  };
  const summary: UploadSummary[] = [];
  for (const app of apps) {
    let bytes = 0;
    const maps = mapsUnder(app.sourcemaps);
    for (const map of maps) {
      const script = map.replace(/\.map$/, "");
      const mapFile = join(app.sourcemaps, map);
      await upload(`~/${app.prefix}${map}`, mapFile);
      bytes += Bun.file(mapFile).size;
      const scriptFile = join(app.dist, script);
      if (existsSync(scriptFile)) {
        await upload(`~/${app.prefix}${script}`, scriptFile, `Sourcemap:${map.split("/").at(-1)}`);
      }
    }
    summary.push({ app: app.name, maps: maps.length, bytes });
  }
  return summary;
}

/**
 * The upload target from the environment, or why there is none: without `SENTRY_UPLOAD_URL` and
 * `SENTRY_AUTH_TOKEN` the upload is skipped (a build without Sentry); with them, org and project are needed.
 */
export function targetFromEnv(
  env: Record<string, string | undefined>,
  defaultRelease: string,
): { target: UploadTarget } | { skip: string } | { error: string } {
  const url = env.SENTRY_UPLOAD_URL?.trim();
  const token = env.SENTRY_AUTH_TOKEN?.trim();
  if (!url || !token) {
    return { skip: "source maps not uploaded: SENTRY_UPLOAD_URL and SENTRY_AUTH_TOKEN are not both set" };
  }
  const org = env.SENTRY_ORG?.trim();
  const project = env.SENTRY_PROJECT?.trim();
  if (!org || !project) return { error: "SENTRY_ORG and SENTRY_PROJECT are needed to upload source maps" };
  // The frontends' build names its release VITE_RELEASE; SENTRY_RELEASE is the services' (set both alike).
  const release = env.VITE_RELEASE?.trim() || env.SENTRY_RELEASE?.trim() || defaultRelease;
  return { target: { url, token, org, project, release } };
}
