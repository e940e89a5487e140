export { nowIso, timestampSchema } from "./time.ts";
