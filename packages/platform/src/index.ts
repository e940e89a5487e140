export { createSharedInfra, type InfraEnv, infraEnv, loadInfraEnv, type SharedInfra } from "./infra/index.ts";
export {
  type CommonSettings,
  type HttpServiceOptions,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  startHttpService,
} from "./services/index.ts";
