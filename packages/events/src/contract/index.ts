export { runEventBusContract } from "./event-bus-contract.ts";
export {
  type EventBusHarness,
  type MakeEventBusHarness,
  Recorder,
  sampleEvent,
  uniqueQueue,
} from "./harness.ts";
export { type WaitForOptions, waitFor } from "./wait.ts";
