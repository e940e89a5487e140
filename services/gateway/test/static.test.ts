import { afterAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@payments/service-kit";
import { createApp } from "../src/app.ts";

const dir = mkdtempSync(join(tmpdir(), "frontends-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function put(path: string, text: string) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
}
put("shell/dist/index.html", "<!doctype html><title>shell</title>");
put("shell/dist/assets/index-Ab12Cd34.js", "console.log('shell')");
put("shell/dist/sw.js", "self.addEventListener('fetch', () => {})");
put("payments/dist/remoteEntry.js", "export const get = () => {}");
put("payments/dist/assets/list-Zz98Yy76.js", "export default 1");
put("secret.txt", "do not serve");
// A source map that a build left in dist/ (the build plugin moves them out; this is the second line).
put("shell/dist/assets/index-Ab12Cd34.js.map", '{"version":3,"sources":["src/secret.ts"]}');
put("payments/dist/assets/list-Zz98Yy76.js.map", '{"version":3,"sources":["src/secret.ts"]}');

const { app } = createApp({
  logger: createLogger({ service: "gateway-test", level: "silent" }),
  upstreams: new Map(),
  frontends: { frontendsDir: dir, remotes: ["payments"] },
});

describe("gateway serves the built frontends", () => {
  it("serves the shell and falls back to it for client-side routes", async () => {
    const root = await app.request("/");
    expect(await root.text()).toContain("<title>shell</title>");
    expect(root.headers.get("cache-control")).toBe("no-cache");
    const deep = await app.request("/payments/pay_01abc");
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("<title>shell</title>");
  });

  it("caches hashed assets for a year and revalidates entry points", async () => {
    const asset = await app.request("/assets/index-Ab12Cd34.js");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await app.request("/sw.js")).headers.get("cache-control")).toBe("no-cache");
    const entry = await app.request("/remotes/payments/remoteEntry.js");
    expect(entry.status).toBe(200);
    expect(entry.headers.get("cache-control")).toBe("no-cache");
    const chunk = await app.request("/remotes/payments/assets/list-Zz98Yy76.js");
    expect(chunk.headers.get("cache-control")).toContain("immutable");
  });

  it("answers 404 for missing assets and never leaves the dist folders", async () => {
    expect((await app.request("/assets/missing-00000000.js")).status).toBe(404);
    expect((await app.request("/remotes/payments/nope.js")).status).toBe(404);
    expect((await app.request("/remotes/payments/..%2f..%2fsecret.txt")).status).toBe(404);
    const escaped = await app.request("/..%2fsecret.txt");
    expect(await escaped.text()).not.toContain("do not serve");
  });

  it("never serves a source map, not even as the SPA fallback", async () => {
    for (const path of ["/assets/index-Ab12Cd34.js.map", "/remotes/payments/assets/list-Zz98Yy76.js.map"]) {
      const res = await app.request(path);
      expect(`${path} ${res.status}`).toBe(`${path} 404`);
      expect(await res.text()).not.toContain("sources");
    }
  });

  it("keeps /api and the service routes out of the SPA fallback", async () => {
    const api = await app.request("/api/nope");
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { type: string } }).error.type).toBe("not_found");
    expect((await app.request("/health/live")).status).toBe(200);
  });
});

describe("Brotli copies of the build (frontends/build/precompress.ts)", () => {
  const js = "export const answer = 42;".repeat(100);
  put("shell/dist/assets/big-Br0tli11.js", js);
  writeFileSync(join(dir, "shell/dist/assets/big-Br0tli11.js.br"), Bun.gzipSync(js)); // any bytes will do
  put("payments/dist/remoteEntry.js.br", "brotli entry");

  it("sends the .br copy with Content-Encoding to a browser that accepts br", async () => {
    const res = await app.request("/assets/big-Br0tli11.js", {
      headers: { "accept-encoding": "gzip, deflate, br, zstd" },
    });
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("vary")).toBe("accept-encoding");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(Bun.gzipSync(js));
    const entry = await app.request("/remotes/payments/remoteEntry.js", {
      headers: { "accept-encoding": "br" },
    });
    expect(await entry.text()).toBe("brotli entry");
    expect(entry.headers.get("cache-control")).toBe("no-cache");
  });

  it("sends the file itself without br, with br;q=0, and where no copy exists", async () => {
    for (const encoding of [undefined, "gzip, zstd", "br;q=0, gzip"]) {
      const res = await app.request("/assets/big-Br0tli11.js", {
        headers: encoding ? { "accept-encoding": encoding } : {},
      });
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(await res.text()).toBe(js);
    }
    const small = await app.request("/assets/index-Ab12Cd34.js", { headers: { "accept-encoding": "br" } });
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(await small.text()).toBe("console.log('shell')");
  });

  it("never serves a copy by its own name", async () => {
    expect((await app.request("/assets/big-Br0tli11.js.br")).status).toBe(404);
    expect((await app.request("/remotes/payments/remoteEntry.js.br")).status).toBe(404);
  });
});
