export { type CreateCacheOptions, createCache } from "./create.ts";
