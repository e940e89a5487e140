// The event parser, loaded with the first event (see loadEventParser in realtime.ts). First: zod must be
// set up before the contract schemas are built (jitless is read at construction).
import "../zod-setup.ts";

export { parseEvent } from "@payments/contracts";
