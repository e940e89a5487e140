/**
 * The platform as `bun run start` runs it — `scripts/start.ts`, every service in one Bun process, Caddy in
 * front when installed — in a scratch directory (its embedded databases and Caddy's CA land there) with
 * ports of its own. All of the soak's load comes from one address, so the gateway's per-IP and per-user
 * limits and auth's registrations per address are raised: the soak measures memory under steady traffic, not the rate limiter's refusals.
 */
import { freePort } from "@payments/testing";

const root = new URL("../..", import.meta.url).pathname;
const UP = "Payments platform is up";

/** A running platform. */
export interface Platform {
  /** The runner's pid (all services); Caddy is its child. */
  pid: number;
  /** Where API calls go: Caddy over HTTPS when it runs, else the gateway. */
  api: string;
  /** Caddy's root certificate (PEM) when `api` is Caddy. */
  ca: string | undefined;
  /** The gateway itself (WebSockets are opened here, with `origin` as their Origin). */
  gateway: string;
  origin: string;
  /** SIGTERM, then SIGKILL after 20 s; resolves once the runner has exited. */
  stop(): Promise<void>;
}

/** Starts the platform from `baseEnv` in `cwd`; resolves once its banner says it is up (at most 5 min). */
export async function startPlatform(baseEnv: Record<string, string>, cwd: string): Promise<Platform> {
  const env: Record<string, string> = { ...baseEnv, LOG_LEVEL: "warn", PLATFORM_EDGE: "auto" };
  for (const name of ["GATEWAY", "AUTH", "PAYMENTS", "ADMIN", "PROFILE", "CADDY_HTTPS", "CADDY_HTTP"])
    env[`${name}_PORT`] = String(await freePort());
  const edgeOrigin = `https://localhost:${env.CADDY_HTTPS_PORT}`;
  const gatewayOrigin = `http://localhost:${env.GATEWAY_PORT}`;
  env.AUTH_ALLOWED_ORIGINS = `${edgeOrigin},${gatewayOrigin}`;
  env.GATEWAY_ALLOWED_ORIGINS = `${edgeOrigin},${gatewayOrigin}`;
  env.GATEWAY_RATE_LIMIT_IP = "1000000";
  env.GATEWAY_RATE_LIMIT_USER = "1000000";
  env.GATEWAY_RATE_LIMIT_AUTH = "100000";
  // A new customer every 30 s passes auth's 100 registrations per address an hour after 50 minutes.
  env.AUTH_REGISTRATIONS_PER_IP_HOUR = "100000";
  const proc = Bun.spawn(["bun", `${root}scripts/start.ts`], { cwd, env, stdout: "pipe", stderr: "inherit" });
  const stop = async () => {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    await proc.exited;
    clearTimeout(timer);
  };
  // Read stdout to the end (a full pipe would block the runner), keeping the start of it for the banner.
  let seen = "";
  const up = Promise.withResolvers<boolean>();
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      if (seen.length < 100_000) seen += decoder.decode(chunk, { stream: true });
      if (seen.includes(UP)) up.resolve(true);
    }
    up.resolve(false);
  })();
  await Promise.race([up.promise, Bun.sleep(300_000)]);
  await Bun.sleep(300); // the rest of the banner
  if (!seen.includes(UP)) {
    await stop();
    throw new Error(`the platform did not start:\n${seen.slice(-2000)}`);
  }
  const caPath = / local CA is (\S+) /.exec(seen)?.[1];
  const behindCaddy = seen.includes(`${UP}: ${edgeOrigin}`) && caPath !== undefined;
  return {
    pid: proc.pid,
    api: behindCaddy ? edgeOrigin : gatewayOrigin,
    ca: behindCaddy && caPath ? await Bun.file(caPath).text() : undefined,
    gateway: `http://127.0.0.1:${env.GATEWAY_PORT}`,
    origin: behindCaddy ? edgeOrigin : gatewayOrigin,
    stop,
  };
}
