/**
 * @payments/service-kit: everything every service needs around its routes (ARCHITECTURE §9). Start with
 * `createServiceApp`, then `serve`.
 */
export * from "./app/index.ts";
export * from "./config/index.ts";
export * from "./csv/index.ts";
export * from "./errors/index.ts";
export * from "./health/index.ts";
export * from "./logging/index.ts";
export * from "./metrics/index.ts";
export * from "./openapi/index.ts";
export * from "./request/index.ts";
export * from "./sentry/index.ts";
export * from "./shutdown/index.ts";
export * from "./tracing/index.ts";
export * from "./validation/index.ts";
