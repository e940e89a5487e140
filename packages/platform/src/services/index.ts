export {
  type BuiltService,
  type CommonSettings,
  type HttpServiceOptions,
  startHttpService,
} from "./http-service.ts";
export type { RunningService, ServiceDefinition } from "./services.ts";
export { runStandalone } from "./standalone.ts";
