export { createSharedInfra, type InfraEnv, infraEnv, loadInfraEnv, type SharedInfra } from "./infra/index.ts";
export {
  type CommonSettings,
  type HttpServiceOptions,
  type ListenConfig,
  listenSettings,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type ServiceKit,
  startDataHttpService,
  startHttpService,
} from "./services/index.ts";
