/**
 * Environment of the private test broker: the PATH its scripts run with (they need `erl`) and, optionally,
 * where the RabbitMQ scripts live when they are not in the Debian location or on PATH.
 */
export interface PrivateBrokerEnv {
  path: string;
  /** Directory holding `rabbitmq-server` and `rabbitmqctl` (`RABBITMQ_SCRIPTS_DIR`). */
  scriptsDir: string | undefined;
}

/** Reads the private broker's environment once. */
export function readPrivateBrokerEnv(
  env: Record<string, string | undefined> = process.env,
): PrivateBrokerEnv {
  return {
    path: env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    scriptsDir: env.RABBITMQ_SCRIPTS_DIR || undefined,
  };
}
