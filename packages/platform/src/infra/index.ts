export { type InfraEnv, infraEnv, loadInfraEnv } from "./config.ts";
export { createSharedInfra, type SharedInfra } from "./infra.ts";
