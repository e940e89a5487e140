export { createInProcessBus, type InProcessBus, type InProcessBusOptions } from "./in-process-bus.ts";
