export { keysForEvent, keysForRoom, type QueryKey, queryKeys } from "./keys.ts";
