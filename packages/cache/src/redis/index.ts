export { assertRedisUrl, createRedisCache, type RedisCacheOptions } from "./redis.ts";
