// Test schema: only the outbox and inbox, as a publishing service would re-export them.
export { inbox, outbox } from "../src/outbox/tables.ts";
