/**
 * `bun run start` and the compose stack use the same configuration: every environment variable the code
 * reads is listed in .env.example and the README's table, and each service's compose environment names
 * exactly the variables that service reads (so a renamed or misspelt variable fails here, not in production).
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  allEnvReads,
  caddyPlaceholders,
  envExampleNames,
  envReads,
  loadCompose,
  serviceEnv,
} from "./support/env.ts";
import { root, serviceDirs } from "./support/platform.ts";

/** Read only in the embedded default: in containers every service has a real database and Caddy serves the frontends. */
const LOCAL_ONLY = new Map([
  ["GATEWAY_FRONTENDS_DIR", "the gateway serves the built frontends only without Caddy in front"],
  ["EMBEDDED_DB_SETTINGS", "PGlite's settings; compose always sets <SERVICE>_DATABASE_URL (real Postgres)"],
]);
/** `<SERVICE>_DATA_DIR`: PGlite's data directory; compose always sets `<SERVICE>_DATABASE_URL` instead. */
const localOnly = (name: string) => LOCAL_ONLY.has(name) || /^[A-Z]+_DATA_DIR$/.test(name);

/** Read by the test runner and test helpers, never by a service. */
const TEST_ONLY = new Map([
  ["CI", "suites that need a missing server fail instead of not running"],
  ["POSTGRES_URL", "admin URL for test databases"],
  ["RABBITMQ_SCRIPTS_DIR", "where a private test broker's scripts are (packages/events)"],
]);

/** The operating system's own variables: read, but nobody configures them for the platform. */
const SYSTEM = new Set(["PATH"]);

/** Read by the service image (its HEALTHCHECK), not by the code. */
const IMAGE_ONLY = new Set(["HEALTH_PORT"]);

/** Caddyfile placeholders fixed inside the edge image rather than set by compose. */
const EDGE_IMAGE_FIXED = new Map([
  ["FRONTENDS_ROOT", "/srv in the image; set by infra/test/edge.test.ts to a temp dir"],
  ["CADDY_HEALTH_PORT", "8081 in the image (its HEALTHCHECK)"],
  [
    "CADDY_PLAIN_PORT",
    "8080 in the image: plain HTTP behind the Kubernetes Ingress; compose uses the TLS site",
  ],
]);

const reads = (await allEnvReads()).filter((r) => !SYSTEM.has(r.name));
const names = [...new Set(reads.map((r) => r.name))].sort();
const compose = loadCompose();

/** Backticked names in README.md; `<SERVICE>_X` stands for each service's X. */
function readmeMentions(): (name: string) => boolean {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const tokens = [...readme.matchAll(/`([A-Z<][A-Z0-9_<>]*)`/g)].map((m) => m[1] ?? "");
  const services = serviceDirs().map((s) => s.toUpperCase());
  const patterns = tokens.map((t) => new RegExp(`^${t.replace("<SERVICE>", `(${services.join("|")})`)}$`));
  return (name) => patterns.some((p) => p.test(name));
}

describe("environment variables", () => {
  it("finds what the code reads (the test is not vacuous)", () => {
    expect(names).toEqual(
      expect.arrayContaining(["REDIS_URL", "RABBITMQ_URL", "AUTH_DATABASE_URL", "GATEWAY_PORT", "CI"]),
    );
    expect(names.length).toBeGreaterThan(60);
    expect(envReads('process.env.FOO_BAR; env["BAZ"]; config.env.QUX')).toEqual(
      new Set(["FOO_BAR", "BAZ", "QUX"]),
    );
    expect(caddyPlaceholders("a {$X_Y:1} b {$Z}")).toEqual(new Set(["X_Y", "Z"]));
  });

  it("lists every variable in .env.example", () => {
    const listed = envExampleNames();
    expect(reads.filter((r) => !listed.has(r.name)).map((r) => `${r.name} (${r.where})`)).toEqual([]);
  });

  it("documents every variable in the README", () => {
    const mentioned = readmeMentions();
    expect(names.filter((n) => !mentioned(n))).toEqual([]);
  });

  it("passes every variable a service reads to its compose container", async () => {
    const missing: string[] = [];
    for (const [service, vars] of await serviceEnv()) {
      const environment = Object.keys(compose.services[service]?.environment ?? {});
      for (const name of vars) {
        if (!localOnly(name) && !environment.includes(name)) missing.push(`${service}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("sets nothing in a service's compose environment that the service does not read", async () => {
    const unread: string[] = [];
    for (const [service, vars] of await serviceEnv()) {
      for (const name of Object.keys(compose.services[service]?.environment ?? {})) {
        if (!vars.has(name) && !IMAGE_ONLY.has(name)) unread.push(`${service}: ${name}`);
      }
    }
    expect(unread).toEqual([]);
  });

  it("configures the edge container with every Caddyfile placeholder", () => {
    const caddy = Object.keys(compose.services.caddy?.environment ?? {});
    const placeholders = new Set([
      ...caddyPlaceholders(readFileSync(join(root, "Caddyfile"), "utf8")),
      ...caddyPlaceholders(readFileSync(join(root, "infra/docker/frontends.Caddyfile"), "utf8")),
    ]);
    expect([...placeholders].filter((p) => !caddy.includes(p) && !EDGE_IMAGE_FIXED.has(p))).toEqual([]);
  });

  it("keeps test-only variables out of the containers", () => {
    for (const name of TEST_ONLY.keys()) {
      expect(names).toContain(name);
      for (const [service, definition] of Object.entries(compose.services)) {
        expect(Object.keys(definition.environment ?? {}), `${service}: ${name}`).not.toContain(name);
      }
    }
  });

  it("keeps the allowlists to variables the code really reads", () => {
    for (const name of [...LOCAL_ONLY.keys(), ...TEST_ONLY.keys()]) expect(names).toContain(name);
  });
});
