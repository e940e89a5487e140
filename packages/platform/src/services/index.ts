export { type DataHttpServiceOptions, startDataHttpService } from "./data-http-service.ts";
export {
  type BuiltService,
  type CommonSettings,
  type HttpServiceOptions,
  type ListenConfig,
  listenSettings,
  type ServiceKit,
  startHttpService,
} from "./http-service.ts";
export type { RunningService, ServiceDefinition } from "./services.ts";
export { runStandalone } from "./standalone.ts";
