export { ID_PREFIXES, type Id, type IdPrefix, idSchema, idTimestamp, newId } from "./ids.ts";
