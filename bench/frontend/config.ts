/**
 * The one place the frontend benchmark reads the environment: the platform it starts gets this process's
 * environment minus server URLs and ports (it runs on the embedded default with ports of its own).
 */
export function platformBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.endsWith("_URL") && !key.endsWith("_PORT")) env[key] = value;
  }
  return env;
}
