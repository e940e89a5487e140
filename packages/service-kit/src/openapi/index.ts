export {
  describeRoute,
  errorJsonSchema,
  KIT_PATHS,
  type OpenApiInfo,
  openApiRoute,
  resolver,
} from "./openapi.ts";
