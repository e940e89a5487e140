/**
 * Base images for hosts where no container registry answers (ADR 0013): a Debian root filesystem made with
 * debootstrap from the host's apt mirror, then stand-ins for the images docker-compose.yml names, built
 * from Debian's packages (Bun from the npm registry). Each image carries the hash of what it was built
 * from (label `payments.stack.hash`), so a second run finds it and builds nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { root, stackDir } from "./config.ts";
import { capture, dockerEnv, imageLabels, run, since } from "./docker.ts";

const LOCAL = "payments-local";
const HASH_LABEL = "payments.stack.hash";
const dockerfiles = join(root, "infra/docker/local");
const HOST_CA = "/etc/ssl/certs/ca-certificates.crt";
const DEBIAN_SUITE = "bookworm";

/** The Bun version the project pins (package.json `packageManager`), also the tag of oven/bun. */
export function bunVersion(): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { packageManager?: string };
  const version = /^bun@(.+)$/.exec(pkg.packageManager ?? "")?.[1];
  if (!version) throw new Error("package.json has no packageManager bun@<version>");
  return version;
}

/** A stand-in: its Dockerfile in infra/docker/local, the tags it answers to, and compose's variables. */
interface StandIn {
  name: string;
  tags: string[];
  /** Compose variables that select it (`<NAME>_IMAGE`, and `<NAME>_VERSION` where Debian's differs). */
  composeEnv: Record<string, string>;
  /** Files beside the Dockerfile that it copies. */
  files: string[];
}

/** The stand-ins, with Debian bookworm's versions where they differ from the upstream pins. */
export function standIns(): StandIn[] {
  const bun = bunVersion();
  return [
    {
      name: "bun",
      tags: [bun, `${bun}-slim`],
      composeEnv: { BUN_IMAGE: `${LOCAL}/bun`, BUN_VERSION: bun },
      files: [],
    },
    {
      name: "postgres",
      tags: ["15"],
      composeEnv: { POSTGRES_IMAGE: `${LOCAL}/postgres`, POSTGRES_VERSION: "15" },
      files: ["postgres-entrypoint.sh"],
    },
    {
      name: "redis",
      tags: ["7.0"],
      composeEnv: { REDIS_IMAGE: `${LOCAL}/redis`, REDIS_VERSION: "7.0" },
      files: [],
    },
    {
      name: "rabbitmq",
      tags: ["3.10-management"],
      composeEnv: { RABBITMQ_IMAGE: `${LOCAL}/rabbitmq`, RABBITMQ_VERSION: "3.10-management" },
      files: ["rabbitmq-entrypoint.sh"],
    },
    {
      name: "caddy",
      tags: ["2.6"],
      composeEnv: { CADDY_IMAGE: `${LOCAL}/caddy`, CADDY_VERSION: "2.6" },
      files: [],
    },
    {
      name: "prometheus",
      tags: ["v2.42.0"],
      composeEnv: { PROMETHEUS_IMAGE: `${LOCAL}/prometheus`, PROMETHEUS_VERSION: "v2.42.0" },
      files: [],
    },
    {
      name: "alertmanager",
      tags: ["v0.25.0"],
      composeEnv: { ALERTMANAGER_IMAGE: `${LOCAL}/alertmanager`, ALERTMANAGER_VERSION: "v0.25.0" },
      files: [],
    },
    {
      name: "postgres-exporter",
      tags: ["v0.11.1"],
      composeEnv: {
        POSTGRES_EXPORTER_IMAGE: `${LOCAL}/postgres-exporter`,
        POSTGRES_EXPORTER_VERSION: "v0.11.1",
      },
      files: [],
    },
    {
      name: "redis-exporter",
      tags: ["v1.45.0"],
      composeEnv: { REDIS_EXPORTER_IMAGE: `${LOCAL}/redis-exporter`, REDIS_EXPORTER_VERSION: "v1.45.0" },
      files: [],
    },
    {
      name: "curl",
      tags: ["7.88.1"],
      composeEnv: { CURL_IMAGE: `${LOCAL}/curl`, CURL_VERSION: "7.88.1" },
      files: [],
    },
  ];
}

/** The upstream images compose uses by default (docker-compose.yml and .env.example); `core` excludes the observability profile. */
export function upstreamImages(): { core: string[]; observability: string[] } {
  const bun = bunVersion();
  return {
    core: [
      `oven/bun:${bun}`,
      `oven/bun:${bun}-slim`,
      "caddy:2.6",
      "postgres:15",
      "redis:7.0",
      "rabbitmq:3.13-management",
      "curlimages/curl:8.10.1",
      "prom/prometheus:v2.54.1",
    ],
    observability: [
      "prom/alertmanager:v0.27.0",
      "grafana/grafana:11.2.0",
      "jaegertracing/all-in-one:1.60.0",
      "prometheuscommunity/postgres-exporter:v0.15.0",
      "oliver006/redis_exporter:v1.62.0-alpine",
    ],
  };
}

function sha(...parts: Array<string | Buffer>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 16);
}

/** The first Debian mirror the host's apt uses (deb822 or one-line format), or deb.debian.org. */
export function hostMirror(sources: string[]): string {
  for (const text of sources) {
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822?.[1] && !deb822[1].includes("security")) return deb822[1];
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text);
    if (line?.[1] && !line[1].includes("security")) return line[1];
  }
  return "http://deb.debian.org/debian";
}

function aptSources(): { files: Array<{ path: string; text: string }>; mirror: string } {
  const candidates = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  const files = candidates.filter(existsSync).map((path) => ({ path, text: readFileSync(path, "utf8") }));
  return { files, mirror: hostMirror(files.map((f) => f.text)) };
}

async function upToDate(ref: string, hash: string): Promise<boolean> {
  return (await imageLabels(ref))?.[HASH_LABEL] === hash;
}

/**
 * payments-local/debian:bookworm: debootstrap (minbase) from the host's mirror, with the host's apt
 * sources and CA bundle, imported as an image. Needs root (debootstrap) and about a minute.
 */
async function debianBase(): Promise<{ ref: string; hash: string }> {
  const ref = `${LOCAL}/debian:${DEBIAN_SUITE}`;
  const apt = aptSources();
  const ca = existsSync(HOST_CA) ? readFileSync(HOST_CA) : Buffer.from("");
  const hash = sha("debian-v1", DEBIAN_SUITE, "minbase", apt.mirror, ca, ...apt.files.map((f) => f.text));
  if (await upToDate(ref, hash)) {
    console.log(`  ${ref}: up to date (${hash})`);
    return { ref, hash };
  }
  if (!Bun.which("debootstrap", { PATH: `${process.env.PATH}:/usr/sbin:/sbin` })) {
    throw new Error("no registry answers and debootstrap is missing: apt-get install -y debootstrap");
  }
  const start = performance.now();
  const rootfs = join(stackDir, "rootfs");
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(stackDir, { recursive: true });
  console.log(`  ${ref}: debootstrap --variant=minbase ${DEBIAN_SUITE} from ${apt.mirror}`);
  const boot = await capture(["debootstrap", "--variant=minbase", DEBIAN_SUITE, rootfs, apt.mirror]);
  if (boot.code !== 0) throw new Error(`debootstrap failed:\n${boot.stdout.slice(-3000)}${boot.stderr}`);
  // Images built on this base reach the Debian mirror over plain HTTP and the npm registry over TLS through
  // whatever the host trusts (a TLS-inspecting egress here), so the host's bundle comes along.
  if (ca.length > 0) {
    mkdirSync(join(rootfs, "etc/ssl/certs"), { recursive: true });
    await Bun.write(join(rootfs, "etc/ssl/certs/ca-certificates.crt"), ca);
  }
  for (const f of apt.files) await Bun.write(join(rootfs, f.path), f.text);
  if (apt.files.some((f) => f.path.endsWith(".sources")))
    rmSync(join(rootfs, "etc/apt/sources.list"), { force: true });
  await run(["sh", "-c", `rm -rf ${rootfs}/var/cache/apt/archives/*.deb ${rootfs}/var/lib/apt/lists/*`]);
  const tar = Bun.spawn(["tar", "-C", rootfs, "--numeric-owner", "-c", "."], { stdout: "pipe" });
  const imp = Bun.spawn(
    [
      "docker",
      "import",
      "--change",
      `LABEL ${HASH_LABEL}=${hash}`,
      "--change",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8",
      "--change",
      'CMD ["bash"]',
      "-",
      ref,
    ],
    { stdin: tar.stdout, stdout: "ignore", stderr: "inherit", env: dockerEnv() },
  );
  if ((await imp.exited) !== 0 || (await tar.exited) !== 0) throw new Error(`docker import of ${ref} failed`);
  rmSync(rootfs, { recursive: true, force: true });
  console.log(`  ${ref}: built in ${since(start)} (${hash})`);
  return { ref, hash };
}

/** The Bun binary of the pinned version, from npm's @oven/bun-linux-x64, in a build context of its own. */
async function bunContext(version: string): Promise<string> {
  const dir = join(stackDir, "build", `bun-${version}`);
  if (existsSync(join(dir, "bun"))) return dir;
  mkdirSync(dir, { recursive: true });
  const pkg = `@oven/bun-linux-x64@${version}`;
  const packed = await capture(["npm", "pack", pkg, "--pack-destination", dir, "--silent"]);
  if (packed.code !== 0) throw new Error(`npm pack ${pkg} failed: ${packed.stderr}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack ${pkg} left no tarball`);
  await run(["tar", "-xzf", join(dir, tgz), "-C", dir, "--strip-components=2", "package/bin/bun"]);
  rmSync(join(dir, tgz));
  return dir;
}

/**
 * Builds (or finds) every stand-in; returns the compose variables that point the stack at them.
 */
export async function buildLocalImages(): Promise<Record<string, string>> {
  const base = await debianBase();
  const env: Record<string, string> = {};
  for (const image of standIns()) {
    const dockerfile = join(dockerfiles, `${image.name}.Dockerfile`);
    const inputs = [dockerfile, ...image.files.map((f) => join(dockerfiles, f))].map((f) => readFileSync(f));
    const hash = sha(base.hash, image.name, image.tags.join(","), ...inputs);
    const refs = image.tags.map((t) => `${LOCAL}/${image.name}:${t}`);
    Object.assign(env, image.composeEnv);
    const fresh = await Promise.all(refs.map((r) => upToDate(r, hash)));
    if (fresh.every(Boolean)) {
      console.log(`  ${refs.join(", ")}: up to date (${hash})`);
      continue;
    }
    const start = performance.now();
    const context = image.name === "bun" ? await bunContext(image.tags[0] ?? "") : dockerfiles;
    await run([
      "docker",
      "build",
      "-q",
      "-f",
      dockerfile,
      "--build-arg",
      `DEBIAN_IMAGE=${base.ref}`,
      "--label",
      `${HASH_LABEL}=${hash}`,
      ...refs.flatMap((r) => ["-t", r]),
      context,
    ]);
    console.log(`  ${refs.join(", ")}: built in ${since(start)} (${hash})`);
  }
  return env;
}
