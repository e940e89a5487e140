/**
 * The environment variables the code reads, found from the code itself: the keys of every zod object a
 * `config.ts` exports (the only files allowed to read `process.env`), plus `env.NAME` reads in config files
 * that do not use zod and in scripts, plus `{$NAME}` placeholders in the Caddyfiles.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Glob } from "bun";
import { parse } from "yaml";
import { root, serviceDirs } from "./platform.ts";

function isZodObject(value: unknown): value is { shape: Record<string, unknown> } {
  return (
    typeof value === "object" &&
    value !== null &&
    "shape" in value &&
    typeof value.shape === "object" &&
    value.shape !== null &&
    "safeParse" in value
  );
}

/** Keys of every zod object schema `file` exports. */
async function schemaKeys(file: string): Promise<Set<string>> {
  const mod: Record<string, unknown> = await import(file);
  const keys = new Set<string>();
  for (const value of Object.values(mod)) {
    if (isZodObject(value)) for (const key of Object.keys(value.shape)) keys.add(key);
  }
  return keys;
}

/** `process.env.NAME`, `env.NAME` and `env["NAME"]` reads in source text. */
export function envReads(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g)) {
    const name = m[1] ?? m[2];
    if (name) names.add(name);
  }
  return names;
}

/** `{$NAME}` / `{$NAME:default}` placeholders of a Caddyfile. */
export function caddyPlaceholders(source: string): Set<string> {
  return new Set([...source.matchAll(/\{\$([A-Z][A-Z0-9_]*)(?::[^}]*)?\}/g)].map((m) => m[1] ?? ""));
}

/** Variables each service reads: its own config.ts and the platform's (every service starts through it). */
export async function serviceEnv(): Promise<Map<string, Set<string>>> {
  const platform = await schemaKeys(join(root, "packages/platform/src/infra/config.ts"));
  const result = new Map<string, Set<string>>();
  for (const name of serviceDirs()) {
    const file = join(root, "services", name, "src", "config.ts");
    const own = existsSync(file) ? await schemaKeys(file) : new Set<string>();
    result.set(name, new Set([...platform, ...own]));
  }
  return result;
}

/** A variable and the file that reads it. */
export interface EnvRead {
  name: string;
  where: string;
}

/** Every variable read anywhere: config files (zod or not), scripts, .ci/run, Caddyfiles. */
export async function allEnvReads(): Promise<EnvRead[]> {
  const reads: EnvRead[] = [];
  const add = (names: Iterable<string>, file: string) => {
    for (const name of names) reads.push({ name, where: relative(root, file) });
  };
  for await (const path of new Glob("{packages,services}/*/src/**/config.ts").scan({ cwd: root })) {
    // Test fixtures of the config helper itself are not configuration.
    if (path.includes("/fixtures/")) continue;
    const file = join(root, path);
    add(await schemaKeys(file), file);
    add(envReads(readFileSync(file, "utf8")), file);
  }
  for await (const path of new Glob("scripts/**/*.ts").scan({ cwd: root })) {
    if (path.endsWith(".test.ts")) continue;
    add(envReads(readFileSync(join(root, path), "utf8")), join(root, path));
  }
  for (const file of [join(root, "Caddyfile"), join(root, "infra/docker/frontends.Caddyfile")]) {
    add(caddyPlaceholders(readFileSync(file, "utf8")), file);
  }
  return reads;
}

/** A compose service as far as these tests look at it. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  mem_limit?: string;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  command?: string[] | string;
}

/** docker-compose.yml with YAML merge keys (`<<`) resolved, as Compose does. */
export function loadCompose(): {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
} {
  return parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true });
}

/** Names set or mentioned in .env.example, commented out or not (`NAME=` or `# NAME=`). */
export function envExampleNames(): Set<string> {
  const text = readFileSync(join(root, ".env.example"), "utf8");
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ""));
}

/** Values set (not commented out) in .env.example. */
export function envExampleValues(): Map<string, string> {
  const text = readFileSync(join(root, ".env.example"), "utf8");
  return new Map(
    [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? "", (m[2] ?? "").trim()]),
  );
}

/** Every file directly in `dir` (relative to the repository root) with the given extension. */
export function filesIn(dir: string, ext: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));
}
