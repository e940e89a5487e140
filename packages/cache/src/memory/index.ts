export { createMemoryCache, type MemoryCacheOptions } from "./memory.ts";
