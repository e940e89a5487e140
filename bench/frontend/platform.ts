/**
 * The platform for the frontend benchmark: `scripts/start.ts` on the embedded default in a scratch dir with
 * fresh ports; the gateway serves the built apps.
 */
import { freePort } from "@payments/testing";
import { platformBaseEnv } from "./config.ts";

const root = new URL("../..", import.meta.url).pathname;

/** Starts it; resolves once it prints that it is up. */
export async function startPlatform(cwd: string): Promise<{ origin: string; stop(): Promise<void> }> {
  const env = platformBaseEnv();
  for (const name of ["GATEWAY", "AUTH", "PAYMENTS", "ADMIN", "PROFILE"])
    env[`${name}_PORT`] = String(await freePort());
  env.LOG_LEVEL = "warn";
  env.PLATFORM_EDGE = "off";
  // The browser's origin is the gateway on a fresh port: let it refresh sessions and open sockets.
  env.AUTH_ALLOWED_ORIGINS = `http://localhost:${env.GATEWAY_PORT}`;
  env.GATEWAY_ALLOWED_ORIGINS = `http://localhost:${env.GATEWAY_PORT}`;
  const proc = Bun.spawn(["bun", `${root}scripts/start.ts`], { cwd, env, stdout: "pipe", stderr: "ignore" });
  let seen = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stdout) {
    seen += decoder.decode(chunk, { stream: true });
    if (seen.includes("Payments platform is up")) break;
  }
  if (!seen.includes("Payments platform is up")) throw new Error(`the platform did not start:\n${seen}`);
  return {
    origin: `http://localhost:${env.GATEWAY_PORT}`,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
