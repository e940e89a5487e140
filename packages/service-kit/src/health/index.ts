export {
  checkReadiness,
  type HealthRoutes,
  healthRoutes,
  type ProbeResult,
  type ReadinessReport,
} from "./health.ts";
export type { HealthProbe } from "./probe.ts";
