export { applyOnce, type InboxOutcome, pruneInbox } from "./inbox.ts";
