/**
 * Shared contracts of the platform: IDs, money, timestamps and the event envelope with its registry of
 * data schemas. Pure zod + types; no I/O, safe to import from services and frontends alike.
 */
export * from "./config/index.ts";
export * from "./events/index.ts";
export * from "./ids/index.ts";
export * from "./money/index.ts";
export * from "./time/index.ts";
