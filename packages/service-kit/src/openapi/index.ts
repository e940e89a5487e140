export { KIT_PATHS, openApiRoute, routeCoverage } from "./openapi.ts";
