/**
 * The parts of `bun run stack` that need no Docker engine: flags, the host's apt mirror, and that the
 * images it checks for (and its stand-ins replace) are the ones docker-compose.yml really names.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_SETTINGS, parseSettings, root } from "./config.ts";
import { bunVersion, hostMirror, standIns, upstreamImages } from "./images.ts";

interface Compose {
  services: Record<
    string,
    { image?: string; build?: { args?: Record<string, string> }; profiles?: string[] }
  >;
}

/** `${NAME:-default}` → default, as compose resolves it with nothing set. */
const resolve = (ref: string) => ref.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");

describe("bun run stack", () => {
  it("reads flags over the defaults and passes the rest through", () => {
    const { settings, rest } = parseSettings([
      "--https-port",
      "10443",
      "--subnet=10.9.0.0/24",
      "--images=local",
    ]);
    expect(settings.ports.https).toBe(10443);
    expect(settings.subnet).toBe("10.9.0.0/24");
    expect(settings.ports.prometheus).toBe(DEFAULT_SETTINGS.ports.prometheus);
    expect(rest).toEqual(["--images=local"]);
    expect(() => parseSettings(["--https-port", "http"])).toThrow("not a port");
  });

  it("finds the host's Debian mirror in either apt format, never the security archive", () => {
    const deb822 = "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n";
    expect(hostMirror([deb822])).toBe("http://mirror.example/debian");
    expect(hostMirror(["deb [arch=amd64] http://m.example/debian bookworm main\n"])).toBe(
      "http://m.example/debian",
    );
    expect(hostMirror(["URIs: http://deb.debian.org/debian-security\n"])).toBe(
      "http://deb.debian.org/debian",
    );
  });

  it("checks for exactly the images compose names by default, and has a stand-in for each core one", () => {
    const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as Compose;
    const named = new Set<string>();
    const observability = new Set<string>();
    for (const service of Object.values(compose.services)) {
      const target = service.profiles?.includes("observability") ? observability : named;
      if (service.image && !service.build) target.add(resolve(service.image));
      const args = service.build?.args ?? {};
      if (args.BUN_IMAGE) {
        target.add(`${resolve(args.BUN_IMAGE)}:${resolve(args.BUN_VERSION ?? "")}`);
        target.add(`${resolve(args.BUN_IMAGE)}:${resolve(args.BUN_VERSION ?? "")}-slim`);
      }
      if (args.CADDY_IMAGE) target.add(`${resolve(args.CADDY_IMAGE)}:${resolve(args.CADDY_VERSION ?? "")}`);
    }
    const upstream = upstreamImages();
    expect([...upstream.core].sort()).toEqual([...named].sort());
    expect([...upstream.observability].sort()).toEqual([...observability].sort());
    // One stand-in per upstream repository of the core and of the alerting profile (Debian packages those;
    // Grafana and Jaeger have no stand-in), selected through compose's *_IMAGE variables.
    const alerting = Object.values(compose.services)
      .filter((service) => service.profiles?.includes("alerting") && service.image)
      .map((service) => resolve(service.image ?? ""));
    const repositories = new Set([...upstream.core, ...alerting].map((ref) => ref.split(":")[0]));
    expect(standIns().length).toBe(repositories.size);
    for (const image of standIns())
      expect(Object.keys(image.composeEnv).some((k) => k.endsWith("_IMAGE"))).toBe(true);
    expect(upstream.core).toContain(`oven/bun:${bunVersion()}`);
  });
});
