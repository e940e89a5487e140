/**
 * One dependency check for `/health/ready`. `run` resolves when the dependency is usable (optionally with
 * details to show) and rejects or times out when it is not. Only a failing `critical` probe makes the
 * service report 503.
 */
export interface HealthProbe {
  name: string;
  critical: boolean;
  timeoutMs: number;
  run: () => Promise<unknown>;
}
