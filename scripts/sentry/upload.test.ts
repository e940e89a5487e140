import { afterAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { builtApps, targetFromEnv, type UploadTarget, uploadSourcemaps } from "./upload.ts";

const TOKEN = "sntrys_secret_token_123";

interface Received {
  method: string;
  path: string;
  authorization: string | null;
  json?: unknown;
  form?: { name: string; header: string | null; file: string };
}

/** A stand-in for Sentry's API: records every call; `failWith` makes the file uploads fail. */
function fakeSentry(failWith?: number) {
  const received: Received[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const entry: Received = {
        method: request.method,
        path,
        authorization: request.headers.get("authorization"),
      };
      if (request.headers.get("content-type")?.includes("multipart/form-data")) {
        const form = await request.formData();
        const file = form.get("file");
        entry.form = {
          name: String(form.get("name")),
          header: form.get("header") === null ? null : String(form.get("header")),
          file: file instanceof Blob ? await file.text() : "",
        };
        received.push(entry);
        return failWith
          ? new Response("nope", { status: failWith })
          : Response.json({ id: "1" }, { status: 201 });
      }
      entry.json = await request.json();
      received.push(entry);
      return Response.json({ version: "x" }, { status: 201 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, received, stop: () => server.stop(true) };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A frontends/ folder as a build leaves it: scripts in dist/, their maps in sourcemaps/. */
function frontends(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "frontends-"));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const target = (url: string): UploadTarget => ({
  url,
  token: TOKEN,
  org: "acme",
  project: "payments-web",
  release: "payments-platform@4f2a9c1",
});

describe("source map upload (a local stand-in for Sentry's API)", () => {
  it("creates the release and uploads each map and its script under the path the edge serves", async () => {
    const sentry = fakeSentry();
    const dir = frontends({
      "shell/dist/assets/index-Ab12Cd34.js": "shell()",
      "shell/sourcemaps/assets/index-Ab12Cd34.js.map": '{"file":"shell"}',
      "payments/dist/assets/list-Zz98Yy76.js": "list()",
      "payments/sourcemaps/assets/list-Zz98Yy76.js.map": '{"file":"list"}',
    });
    const summary = await uploadSourcemaps(target(sentry.url), builtApps(dir));
    await sentry.stop();

    expect(summary.filter((row) => row.maps > 0).map((row) => `${row.app} ${row.maps}`)).toEqual([
      "shell 1",
      "payments 1",
    ]);
    const [release, ...files] = sentry.received;
    expect(release).toMatchObject({
      method: "POST",
      path: "/api/0/organizations/acme/releases/",
      json: { version: "payments-platform@4f2a9c1", projects: ["payments-web"] },
    });
    for (const call of sentry.received) expect(call.authorization).toBe(`Bearer ${TOKEN}`);
    for (const call of files) {
      expect(call.path).toBe("/api/0/organizations/acme/releases/payments-platform%404f2a9c1/files/");
    }
    expect(files.map((call) => call.form)).toEqual([
      { name: "~/assets/index-Ab12Cd34.js.map", header: null, file: '{"file":"shell"}' },
      { name: "~/assets/index-Ab12Cd34.js", header: "Sourcemap:index-Ab12Cd34.js.map", file: "shell()" },
      { name: "~/remotes/payments/assets/list-Zz98Yy76.js.map", header: null, file: '{"file":"list"}' },
      {
        name: "~/remotes/payments/assets/list-Zz98Yy76.js",
        header: "Sourcemap:list-Zz98Yy76.js.map",
        file: "list()",
      },
    ]);
  });

  it("fails loudly on a refused upload, without printing the token", async () => {
    const sentry = fakeSentry(403);
    const dir = frontends({ "shell/sourcemaps/a.js.map": "{}", "shell/dist/a.js": "a()" });
    const failed = await uploadSourcemaps(target(sentry.url), builtApps(dir)).catch((error: Error) => error);
    await sentry.stop();
    expect(failed).toBeInstanceOf(Error);
    expect(String(failed)).toContain("403");
    expect(String(failed)).not.toContain(TOKEN);
  });

  it("is skipped without a Sentry, and needs org and project with one", () => {
    expect(targetFromEnv({}, "d")).toHaveProperty("skip");
    expect(targetFromEnv({ SENTRY_UPLOAD_URL: "https://s.example" }, "d")).toHaveProperty("skip");
    expect(
      targetFromEnv({ SENTRY_UPLOAD_URL: "https://s.example", SENTRY_AUTH_TOKEN: "t" }, "d"),
    ).toHaveProperty("error");
    const full = {
      SENTRY_UPLOAD_URL: "https://s.example",
      SENTRY_AUTH_TOKEN: "t",
      SENTRY_ORG: "o",
      SENTRY_PROJECT: "p",
    };
    expect(targetFromEnv(full, "d")).toEqual({
      target: { url: "https://s.example", token: "t", org: "o", project: "p", release: "d" },
    });
    const named = targetFromEnv({ ...full, SENTRY_RELEASE: "r1", VITE_RELEASE: "r2" }, "d");
    expect("target" in named && named.target.release).toBe("r2");
  });

  it("the command says it skipped and exits 0 when no Sentry is configured", () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith("SENTRY_") && value !== undefined) env[key] = value;
    }
    const run = Bun.spawnSync([process.execPath, join(import.meta.dir, "upload-sourcemaps.ts")], { env });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toContain("source maps not uploaded");
  });
});
